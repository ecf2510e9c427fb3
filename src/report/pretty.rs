//! Pretty-printed JSON documents whose one large array is serialized in
//! parallel.
//!
//! A report of the whole corpus holds thousands of findings; serializing them
//! one after the other was most of the time the JSON and SARIF reports took.
//! Each item is serialized on its own, in parallel, and spliced into the
//! document where the array stands empty, indented as `to_writer_pretty`
//! would have indented it. JSON strings hold no raw newlines, so indenting
//! every line of an item is safe.

use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// Writes `frame` pretty-printed, with `items` as the array under `key`,
/// which must appear in the frame once, as an empty array.
pub(crate) fn write_with_items<F: Serialize, T: Serialize + Sync>(
    out: &mut dyn Write,
    frame: &F,
    key: &str,
    items: &[T],
) -> io::Result<()> {
    let serialized: Vec<Vec<u8>> = items
        .par_iter()
        .map(serde_json::to_vec_pretty)
        .collect::<Result<_, _>>()?;
    let frame = serde_json::to_vec_pretty(frame)?;
    let placeholder = format!("\"{key}\": []");
    let at = frame
        .windows(placeholder.len())
        .position(|w| w == placeholder.as_bytes())
        .ok_or_else(|| io::Error::other(format!("the report frame has no empty {key:?}")))?;
    let line_start = frame[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let indent = " ".repeat(at - line_start + 2);
    let open = at + placeholder.len() - 1;
    out.write_all(&frame[..open])?;
    for (i, item) in serialized.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        for (j, line) in item.split(|b| *b == b'\n').enumerate() {
            if j > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(indent.as_bytes())?;
            out.write_all(line)?;
        }
    }
    if !serialized.is_empty() {
        out.write_all(b"\n")?;
        out.write_all(&indent.as_bytes()[2..])?;
    }
    out.write_all(&frame[open..])?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_output_equals_pretty_printing_the_whole_document() {
        let items = [
            json!({"a": 1, "b": ["x", {"c": "line\nbreak"}]}),
            json!("plain"),
            json!([]),
        ];
        for (items, frame, key) in [
            (&items[..], json!({"v": 1, "list": [], "z": {}}), "list"),
            (
                &items[..],
                json!({"runs": [{"tool": {}, "results": []}]}),
                "results",
            ),
            (&items[..0], json!({"v": 1, "list": []}), "list"),
        ] {
            let mut whole = frame.clone();
            let slot = if key == "list" {
                &mut whole["list"]
            } else {
                &mut whole["runs"][0]["results"]
            };
            *slot = json!(items);
            let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
            let mut out = Vec::new();
            write_with_items(&mut out, &frame, key, items).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn a_frame_without_the_array_is_an_error() {
        let mut out = Vec::new();
        assert!(write_with_items(&mut out, &json!({"v": 1}), "list", &[1]).is_err());
    }
}
