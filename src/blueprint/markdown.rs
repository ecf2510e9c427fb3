//! A Blueprint inside a Markdown file: the fenced code block whose info string
//! is `yaml blueprint`.

/// Where the block is, or why there is none to use.
pub enum Fenced {
    /// The file's text with every line outside the block blanked, so that a
    /// YAML parser reports lines and columns of the Markdown file itself.
    Found(String),
    Missing,
    /// A second block, at this 1-based line.
    Twice(u32),
    /// A block that is never closed, opened at this 1-based line.
    Unclosed(u32),
}

struct Fence {
    marker: char,
    length: usize,
}

/// An opening or closing fence: up to three spaces, then three or more
/// backticks or tildes; returns the fence and the info string after it.
fn fence(line: &str) -> Option<(Fence, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.chars().take_while(|c| *c == marker).count();
    if length < 3 {
        return None;
    }
    Some((Fence { marker, length }, trimmed[length..].trim()))
}

pub fn extract(text: &str) -> Fenced {
    let mut out = String::with_capacity(text.len());
    let mut found: Option<u32> = None;
    // The fence we are inside of, and whether it is the Blueprint's.
    let mut open: Option<(Fence, bool, u32)> = None;
    for (index, line) in text.split('\n').enumerate() {
        let number = index as u32 + 1;
        if index > 0 {
            out.push('\n');
        }
        match &open {
            Some((outer, is_blueprint, _)) => {
                let closes = fence(line).is_some_and(|(f, info)| {
                    f.marker == outer.marker && f.length >= outer.length && info.is_empty()
                });
                if closes {
                    open = None;
                } else if *is_blueprint {
                    out.push_str(line);
                }
            }
            None => {
                if let Some((f, info)) = fence(line) {
                    let words: Vec<&str> = info.split_whitespace().collect();
                    let is_blueprint = words == ["yaml", "blueprint"];
                    if is_blueprint {
                        if found.is_some() {
                            return Fenced::Twice(number);
                        }
                        found = Some(number);
                    }
                    open = Some((f, is_blueprint, number));
                }
            }
        }
    }
    match (found, open) {
        (_, Some((_, true, line))) => Fenced::Unclosed(line),
        (Some(_), _) => Fenced::Found(out),
        (None, _) => Fenced::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_keeps_its_lines_and_the_rest_is_blank() {
        let text =
            "# Spec\n\n```yaml\nnot: this\n```\n\n```yaml blueprint\nkind: Blueprint\n```\ntail\n";
        let Fenced::Found(yaml) = extract(text) else {
            panic!("no block")
        };
        assert_eq!(yaml.lines().nth(7), Some("kind: Blueprint"));
        assert_eq!(yaml.lines().filter(|l| !l.is_empty()).count(), 1);
    }

    #[test]
    fn missing_twice_and_unclosed() {
        assert!(matches!(extract("# nothing\n"), Fenced::Missing));
        let twice = "```yaml blueprint\na: 1\n```\n~~~yaml blueprint\nb: 2\n~~~\n";
        assert!(matches!(extract(twice), Fenced::Twice(4)));
        assert!(matches!(
            extract("x\n```yaml blueprint\na: 1\n"),
            Fenced::Unclosed(2)
        ));
    }
}
