//! Source positions of every node of a parsed document.

use serde::{Deserialize, Serialize};
use std::fmt::{self, Write};
use std::sync::Arc;

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(key: &str) -> Self {
        PathSeg::Key(key.to_string())
    }
}

impl From<usize> for PathSeg {
    fn from(index: usize) -> Self {
        PathSeg::Index(index)
    }
}

/// Renders a path the way kubectl explains fields: `spec.containers[0].image`.
pub struct DottedPath<'a>(pub &'a [PathSeg]);

impl fmt::Display for DottedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Key(key) => {
                    let plain = !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                    if plain {
                        if i > 0 {
                            f.write_char('.')?;
                        }
                        f.write_str(key)?;
                    } else {
                        write!(f, "[{key:?}]")?;
                    }
                }
                PathSeg::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Renders a path as a JSON Pointer (RFC 6901).
pub fn json_pointer(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        match seg {
            PathSeg::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            PathSeg::Index(index) => {
                let _ = write!(out, "{index}");
            }
        }
    }
    out
}

/// The positions of a node and its children, mirroring the value's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanNode {
    Scalar(Pos),
    /// Entries sorted by key; each keeps the position of its key, which is
    /// where a finding about the field points.
    Map {
        at: Pos,
        entries: Vec<(Arc<str>, Pos, SpanNode)>,
    },
    Seq {
        at: Pos,
        items: Vec<SpanNode>,
    },
    /// The node an alias refers to, shared rather than copied so that aliases
    /// cannot multiply memory.
    Alias(Arc<SpanNode>),
}

impl SpanNode {
    /// Where the node itself starts.
    pub fn pos(&self) -> Pos {
        match self {
            SpanNode::Scalar(at) | SpanNode::Map { at, .. } | SpanNode::Seq { at, .. } => *at,
            SpanNode::Alias(target) => target.pos(),
        }
    }

    fn resolved(&self) -> &SpanNode {
        match self {
            SpanNode::Alias(target) => target.resolved(),
            other => other,
        }
    }

    pub fn child_key(&self, key: &str) -> Option<&SpanNode> {
        self.entry(key).map(|(_, node)| node)
    }

    fn entry(&self, key: &str) -> Option<(Pos, &SpanNode)> {
        match self.resolved() {
            SpanNode::Map { entries, .. } => entries
                .binary_search_by(|(k, _, _)| k.as_ref().cmp(key))
                .ok()
                .map(|i| (entries[i].1, &entries[i].2)),
            _ => None,
        }
    }

    pub fn child_index(&self, index: usize) -> Option<&SpanNode> {
        match self.resolved() {
            SpanNode::Seq { items, .. } => items.get(index),
            _ => None,
        }
    }

    /// The position of the field at `path`: a mapping entry's key, a sequence
    /// item's start. When the path leaves the document (the field is missing),
    /// the deepest node that exists is named, and `exact` is false.
    pub fn lookup(&self, path: &[PathSeg]) -> (Pos, bool) {
        let mut node = self;
        let mut pos = self.pos();
        for seg in path {
            let next = match seg {
                PathSeg::Key(key) => node.entry(key),
                PathSeg::Index(index) => node.child_index(*index).map(|n| (n.pos(), n)),
            };
            match next {
                Some((at, child)) => {
                    pos = at;
                    node = child;
                }
                None => return (pos, false),
            }
        }
        (pos, true)
    }

    /// Moves the item subtrees out of a sequence node (for `kind: List`).
    pub fn into_items(self) -> Vec<SpanNode> {
        match self {
            SpanNode::Seq { items, .. } => items,
            SpanNode::Alias(target) => Arc::unwrap_or_clone(target).into_items(),
            _ => Vec::new(),
        }
    }

    /// Moves one child out of a mapping node.
    pub fn take_child(&mut self, key: &str) -> Option<SpanNode> {
        match self {
            SpanNode::Map { entries, .. } => {
                let i = entries
                    .binary_search_by(|(k, _, _)| k.as_ref().cmp(key))
                    .ok()?;
                Some(entries.remove(i).2)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_dotted_and_as_pointers() {
        let path: Vec<PathSeg> = vec!["spec".into(), "containers".into(), 0.into(), "a/b".into()];
        assert_eq!(
            DottedPath(&path).to_string(),
            r#"spec.containers[0]["a/b"]"#
        );
        assert_eq!(json_pointer(&path), "/spec/containers/0/a~1b");
    }
}
