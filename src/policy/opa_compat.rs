//! OPA's meaning for Rego that regorus reads differently.
//!
//! regorus 0.14 departs from OPA in four places that real policies reach
//! (measured in `shared/design/regorus.md`). Gaps 1, 2 and 4 are closed by
//! rewriting the policy source before `add_policy` ([`normalize`]), gap 3 by
//! an engine extension ([`register`]):
//!
//! 1. A rule with several bodies, `head { b1 } { b2 }` (functions too), means
//!    `head { b1 }` plus `head { b2 }` in OPA; regorus rejects it for set
//!    rules and reads the later bodies as `else` branches otherwise. The head
//!    is repeated before each later body.
//! 2. A line ending in a reference, followed by a line starting with `(`: OPA
//!    ends the expression at the newline, regorus reads a call. A `;` is put
//!    at the end of the first line, inside rule bodies and comprehension
//!    bodies, where a newline separates expressions in OPA anyway.
//! 3. `sprintf` with fewer arguments than verbs: OPA formats with Go's `fmt`
//!    (`%!d(MISSING)`) and the rule fires; regorus fails. [`register`]
//!    replaces `sprintf` with a Go `fmt` implementation, `%!(EXTRA …)` and
//!    the other Go diagnostics included.
//! 4. `not f(x)` where `x` is undefined: OPA's compiler binds the references
//!    and calls among a negated call's arguments (and among a negated term's
//!    dynamic indices) to variables before the negation, so an undefined one
//!    makes the body undefined; regorus negates the undefined call and
//!    succeeds. After such a negation a check `_ = (x)` is added for each of
//!    those terms (with the literal's `with` modifiers), which fails exactly
//!    when OPA's binding would. OPA turns `==` and `equal` into unification
//!    first, which binds only the dynamic parts of its references; so do the
//!    checks.
//!
//! The rewrite works on tokens, so strings, raw strings and comments are never
//! touched, and only inserts text: every original token keeps its line, and
//! its column unless an insertion precedes it on the same line. Source that
//! does not tokenize, or whose brackets do not balance, is returned unchanged
//! for regorus to report.

mod sprintf;

use regorus::Engine;
use std::borrow::Cow;
use std::collections::HashSet;

/// Rewrites `source` so that regorus gives it OPA's meaning (see the module
/// documentation). `v0` is the syntax the source is parsed with: without
/// `import rego.v1` or `future.keywords`, `if`, `contains`, `in` and `every`
/// are names in v0. Returns the source itself when nothing needs rewriting.
pub fn normalize(source: &str, v0: bool) -> Cow<'_, str> {
    let Some(tokens) = tokenize(source) else {
        return Cow::Borrowed(source);
    };
    let keywords = future_keywords(source, &tokens, v0);
    let mut walker = Walker {
        src: source,
        toks: &tokens,
        keywords,
        inserts: Vec::new(),
        negations: Vec::new(),
        rule_names: HashSet::new(),
    };
    if walker.walk().is_none() {
        return Cow::Borrowed(source);
    }
    walker.finish_negations();
    if walker.inserts.is_empty() {
        return Cow::Borrowed(source);
    }
    // Stable: insertions at one offset keep the order they were made in.
    walker.inserts.sort_by_key(|(at, _)| *at);
    let extra: usize = walker.inserts.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(source.len() + extra);
    let mut done = 0;
    for (at, text) in &walker.inserts {
        out.push_str(&source[done..*at]);
        out.push_str(text);
        done = *at;
    }
    out.push_str(&source[done..]);
    Cow::Owned(out)
}

/// Adds OPA's `sprintf` (Go `fmt` semantics) to `engine`, in place of
/// regorus's. Call once per engine, before evaluating.
pub fn register(engine: &mut Engine) -> anyhow::Result<()> {
    engine.add_extension("sprintf".into(), 2, Box::new(sprintf::extension))
}

/// `sprintf(format, args)` as OPA computes it (the function [`register`]
/// adds), for callers outside Rego.
pub fn format_go(format: &str, args: &[regorus::Value]) -> String {
    let args: Vec<sprintf::Arg> = args.iter().map(sprintf::Arg::from_value).collect();
    sprintf::sprintf(format, &args)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Number,
    Str,
    Sym,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// Whether a newline separates this token from the previous one.
    line_break: bool,
}

/// Rego's tokens; `None` for text regorus would not lex either (an
/// unterminated string, a character outside the language).
fn tokenize(src: &str) -> Option<Vec<Token>> {
    let bytes = src.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let mut line_break = false;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b'\n' => {
                line_break = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                loop {
                    match bytes.get(i)? {
                        b'"' => break,
                        b'\n' => return None,
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                }
                i += 1;
                Kind::Str
            }
            b'`' => {
                i += 1;
                while *bytes.get(i)? != b'`' {
                    i += 1;
                }
                i += 1;
                Kind::Str
            }
            b'0'..=b'9' => {
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                if matches!(bytes.get(i), Some(b'e' | b'E')) {
                    let mut j = i + 1;
                    if matches!(bytes.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                        i = j;
                        while i < bytes.len() && bytes[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                }
                Kind::Number
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Kind::Ident
            }
            _ => {
                let two = bytes.get(i..i + 2);
                if matches!(
                    two,
                    Some(b":=") | Some(b"==") | Some(b"!=") | Some(b"<=") | Some(b">=")
                ) {
                    i += 2;
                } else if b"{}[]().,;:=<>+-*/%&|!".contains(&c) {
                    i += 1;
                } else {
                    return None;
                }
                Kind::Sym
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: i,
            line_break,
        });
        line_break = false;
    }
    Some(tokens)
}

/// The future keywords in force: all of them in v1; in v0 those imported by
/// `import rego.v1`, `import future.keywords` or `import future.keywords.x`.
fn future_keywords(src: &str, toks: &[Token], v0: bool) -> HashSet<&'static str> {
    const ALL: [&str; 4] = ["if", "contains", "in", "every"];
    if !v0 {
        return ALL.into_iter().collect();
    }
    let text = |t: &Token| &src[t.start..t.end];
    let mut set = HashSet::new();
    for (i, tok) in toks.iter().enumerate() {
        if text(tok) != "import" || !(i == 0 || tok.line_break) {
            continue;
        }
        let path: Vec<&str> = toks[i + 1..]
            .iter()
            .take_while(|t| !t.line_break)
            .map(text)
            .collect();
        match path.as_slice() {
            ["rego", ".", "v1", ..] | ["future", ".", "keywords"] => set.extend(ALL),
            ["future", ".", "keywords", ".", name, ..] => {
                if let Some(k) = ALL.iter().find(|k| *k == name) {
                    set.insert(*k);
                }
            }
            _ => {}
        }
    }
    set
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupKind {
    /// A rule body, `else` body or `every` body: a query.
    Body,
    Brace,
    Bracket,
    Paren,
}

#[derive(Debug, Clone, Copy)]
struct Group {
    kind: GroupKind,
    /// A query: a body, or a comprehension after its `|`.
    query: bool,
    /// An `every` whose body has not opened yet.
    pending_every: bool,
}

/// A top-level statement (package, import or rule) being walked.
#[derive(Debug, Default)]
struct Statement {
    start: usize,
    /// The `{` of the rule's first body.
    first_body: Option<usize>,
    has_else: bool,
}

/// A term of a negated expression, as OPA's compiler sees it. Token ranges are
/// inclusive.
#[derive(Debug)]
enum Node {
    Scalar,
    Var(usize),
    /// A reference: `dynamic` are its base when that is not a variable, and
    /// its bracketed indices.
    Ref {
        span: (usize, usize),
        dynamic: Vec<Node>,
    },
    Call {
        span: (usize, usize),
        name: String,
        args: Vec<Node>,
    },
    Binary {
        span: (usize, usize),
        op: String,
        lhs: Box<Node>,
        rhs: Box<Node>,
    },
    Unary {
        span: (usize, usize),
    },
    Composite(Vec<Node>),
    Comprehension,
    Paren(Box<Node>),
}

/// A `not` literal whose terms must be defined: where to add the checks.
struct Negation {
    expr: Node,
    /// The literal's `with` modifiers (a token range), repeated on each check.
    with: Option<(usize, usize)>,
    /// Byte offset after the literal.
    end: usize,
    /// Byte offset after the `if` of a body that is this literal alone, which
    /// then needs braces.
    wrap_after: Option<usize>,
}

struct Walker<'a> {
    src: &'a str,
    toks: &'a [Token],
    keywords: HashSet<&'static str>,
    inserts: Vec<(usize, String)>,
    negations: Vec<Negation>,
    /// Rules and import aliases of the module: bare names that OPA resolves
    /// to references.
    rule_names: HashSet<&'a str>,
}

/// Binary operators by precedence, loosest first, as OPA's parser ranks them.
const LEVELS: [&[&str]; 7] = [
    &["=", ":="],
    &["in"],
    &["==", "!=", "<", ">", "<=", ">="],
    &["|"],
    &["&"],
    &["+", "-"],
    &["*", "/", "%"],
];

impl<'a> Walker<'a> {
    fn text(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.src[t.start..t.end]
    }

    fn is(&self, i: usize, s: &str) -> bool {
        i < self.toks.len() && self.text(i) == s
    }

    /// A keyword at `i`: the future keywords only where they are in force,
    /// and never as a function name (`contains(s, "x")`).
    fn keyword(&self, i: usize) -> Option<&'a str> {
        let tok = self.toks.get(i)?;
        if tok.kind != Kind::Ident {
            return None;
        }
        let text = self.text(i);
        let field = i > 0 && self.text(i - 1) == "." && self.toks[i - 1].end == tok.start;
        if field {
            return None;
        }
        match text {
            "not" | "with" | "as" | "some" | "default" | "package" | "import" | "else" => {
                Some(text)
            }
            "if" | "contains" | "in" | "every" if self.keywords.contains(text) => {
                let call = self.is(i + 1, "(") && self.toks[i + 1].start == tok.end;
                (!call).then_some(text)
            }
            _ => None,
        }
    }

    /// Whether the token at `i` ends an operand, so what follows it on the
    /// line cannot continue the expression as an operand.
    fn ends_operand(&self, i: usize) -> bool {
        let tok = &self.toks[i];
        match tok.kind {
            Kind::Number | Kind::Str => true,
            Kind::Ident => self.keyword(i).is_none(),
            Kind::Sym => matches!(self.text(i), ")" | "]" | "}"),
        }
    }

    fn walk(&mut self) -> Option<()> {
        let mut stack: Vec<Group> = Vec::new();
        let mut stmt = Statement::default();
        // The index of the last `}` that closed a top-level rule body.
        let mut body_close: Option<usize> = None;
        for i in 0..self.toks.len() {
            let tok = self.toks[i];
            let text = self.text(i);
            let prev = i.checked_sub(1);
            if stack.is_empty() {
                let continues = prev.is_some_and(|p| !self.ends_operand(p));
                let starts = i == 0
                    || (tok.line_break
                        && tok.kind == Kind::Ident
                        && !continues
                        && !matches!(self.keyword(i), Some(k) if k != "default" && k != "package" && k != "import"));
                if starts {
                    stmt = Statement {
                        start: i,
                        ..Statement::default()
                    };
                    self.note_rule_name(i);
                }
                if text == "else" {
                    stmt.has_else = true;
                }
                if text == "not" && prev.is_some_and(|p| self.keyword(p) == Some("if")) {
                    let wrap = prev.map(|p| self.toks[p].end);
                    self.negation(i, wrap, true);
                }
            }
            match text {
                "{" if tok.kind == Kind::Sym => {
                    let kind = match stack.last_mut() {
                        None => {
                            let value = prev.is_some_and(|p| {
                                !self.ends_operand(p)
                                    && !matches!(self.keyword(p), Some("if" | "else"))
                            });
                            if value {
                                GroupKind::Brace
                            } else {
                                if prev.is_some() && prev == body_close {
                                    self.repeat_head(&stmt, i);
                                } else if stmt.first_body.is_none() {
                                    stmt.first_body = Some(i);
                                }
                                GroupKind::Body
                            }
                        }
                        Some(group) => {
                            let every_body = group.query
                                && group.pending_every
                                && prev.is_some_and(|p| self.ends_operand(p));
                            if every_body {
                                group.pending_every = false;
                                GroupKind::Body
                            } else {
                                GroupKind::Brace
                            }
                        }
                    };
                    stack.push(Group {
                        kind,
                        query: kind == GroupKind::Body,
                        pending_every: false,
                    });
                }
                "[" if tok.kind == Kind::Sym => stack.push(Group {
                    kind: GroupKind::Bracket,
                    query: false,
                    pending_every: false,
                }),
                "(" if tok.kind == Kind::Sym => {
                    let newline_call = tok.line_break
                        && stack.last().is_some_and(|g| g.query)
                        && prev.is_some_and(|p| self.ends_operand(p));
                    if let (true, Some(p)) = (newline_call, prev) {
                        self.inserts.push((self.toks[p].end, ";".into()));
                    }
                    stack.push(Group {
                        kind: GroupKind::Paren,
                        query: false,
                        pending_every: false,
                    });
                }
                "}" | "]" | ")" if tok.kind == Kind::Sym => {
                    let group = stack.pop()?;
                    let expected = match group.kind {
                        GroupKind::Body | GroupKind::Brace => "}",
                        GroupKind::Bracket => "]",
                        GroupKind::Paren => ")",
                    };
                    if text != expected {
                        return None;
                    }
                    body_close = (stack.is_empty() && group.kind == GroupKind::Body).then_some(i);
                }
                "|" => {
                    if let Some(group) = stack.last_mut() {
                        if matches!(group.kind, GroupKind::Brace | GroupKind::Bracket) {
                            group.query = true;
                        }
                    }
                }
                _ => {
                    if let Some(group) = stack.last_mut() {
                        if group.query {
                            match self.keyword(i) {
                                Some("every") => group.pending_every = true,
                                Some("not") => self.negation(i, None, false),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        stack.is_empty().then_some(())
    }

    /// Records the name a statement starting at `i` defines: a rule's name,
    /// `default`'s rule, or an import's alias.
    fn note_rule_name(&mut self, i: usize) {
        match self.text(i) {
            "package" => {}
            "default" => {
                if self.toks.get(i + 1).is_some_and(|t| t.kind == Kind::Ident) {
                    self.rule_names.insert(self.text(i + 1));
                }
            }
            "import" => {
                let mut j = i + 1;
                let mut last = None;
                while j < self.toks.len() && !self.toks[j].line_break {
                    if self.toks[j].kind == Kind::Ident {
                        last = Some(self.text(j));
                    }
                    j += 1;
                }
                let special = matches!(
                    self.toks.get(i + 1).map(|_| self.text(i + 1)),
                    Some("future" | "rego")
                );
                if let (Some(name), false) = (last, special) {
                    self.rule_names.insert(name);
                }
            }
            name => {
                self.rule_names.insert(name);
            }
        }
    }

    /// Gap 1: the head of `stmt` again before the body opening at `open`.
    fn repeat_head(&mut self, stmt: &Statement, open: usize) {
        let Some(first) = stmt.first_body else {
            return;
        };
        if stmt.has_else || first <= stmt.start {
            return;
        }
        let Some(mut head) = self.one_line(stmt.start, first - 1) else {
            return;
        };
        head.push(' ');
        self.inserts.push((self.toks[open].start, head));
    }

    /// The source of tokens `first..=last` on one line: comments dropped,
    /// gaps with a newline made one space. `None` when a token itself spans
    /// lines (a raw string), as copying it would move every later line.
    fn one_line(&self, first: usize, last: usize) -> Option<String> {
        let text = self.flat(first, last);
        (!text.contains('\n')).then_some(text)
    }

    fn flat(&self, first: usize, last: usize) -> String {
        let mut out = String::new();
        for i in first..=last {
            if i > first {
                let gap = &self.src[self.toks[i - 1].end..self.toks[i].start];
                if gap.contains(['\n', '#']) {
                    out.push(' ');
                } else {
                    out.push_str(gap);
                }
            }
            out.push_str(self.text(i));
        }
        out
    }

    /// Gap 4: parses the literal after the `not` at `at`, with its `with`
    /// modifiers, and keeps it when it ends where a literal ends.
    fn negation(&mut self, at: usize, wrap_after: Option<usize>, top_level: bool) {
        let mut parser = Parser {
            w: self,
            pos: at + 1,
            budget: MAX_TERMS,
        };
        let Some(expr) = parser.expr(0, 0) else {
            return;
        };
        if parser.pos == at + 1 {
            return;
        }
        // `with` modifiers apply to the bindings OPA makes, so to the checks.
        let mut with = None;
        while parser.peek() == Some("with") && !self.toks[parser.pos].line_break {
            let first = parser.pos;
            parser.pos += 1;
            if parser.term(0).is_none() || parser.eat("as").is_none() || parser.expr(1, 0).is_none()
            {
                return;
            }
            with = Some((with.map_or(first, |(start, _)| start), parser.pos - 1));
        }
        let next = parser.pos;
        let clean = match self.toks.get(next) {
            None => true,
            Some(t) if t.line_break => true,
            Some(_) if top_level => false,
            Some(_) => matches!(self.text(next), ";" | "}" | "]"),
        };
        if clean {
            self.negations.push(Negation {
                expr,
                with,
                end: self.toks[next - 1].end,
                wrap_after,
            });
        }
    }

    fn finish_negations(&mut self) {
        for negation in std::mem::take(&mut self.negations) {
            let mut spans = Vec::new();
            self.must_be_defined(&negation.expr, &mut spans);
            if spans.is_empty() {
                continue;
            }
            let with = match negation.with {
                Some((first, last)) => match self.one_line(first, last) {
                    Some(text) => format!(" {text}"),
                    None => continue,
                },
                None => String::new(),
            };
            let mut checks = String::new();
            for (first, last) in spans {
                let Some(term) = self.one_line(first, last) else {
                    checks.clear();
                    break;
                };
                checks.push_str("; _ = (");
                checks.push_str(&term);
                checks.push(')');
                checks.push_str(&with);
            }
            if checks.is_empty() {
                continue;
            }
            if let Some(after) = negation.wrap_after {
                self.inserts.push((after, "{".into()));
                checks.push('}');
            }
            self.inserts.push((negation.end, checks));
        }
    }

    /// The terms OPA binds before the negated expression `expr`.
    fn must_be_defined(&self, expr: &Node, out: &mut Vec<(usize, usize)>) {
        match expr {
            Node::Binary { op, lhs, rhs, .. } if op == "==" || op == "=" => {
                self.equality_side(lhs, out);
                self.equality_side(rhs, out);
            }
            Node::Call { name, args, .. } if name == "equal" && args.len() == 2 => {
                self.equality_side(&args[0], out);
                self.equality_side(&args[1], out);
            }
            Node::Binary { lhs, rhs, .. } => {
                self.bound(lhs, out);
                self.bound(rhs, out);
            }
            Node::Call { args, .. } => args.iter().for_each(|a| self.bound(a, out)),
            Node::Ref { dynamic, .. } => dynamic.iter().for_each(|d| self.bound(d, out)),
            Node::Composite(items) => items.iter().for_each(|d| self.bound(d, out)),
            Node::Paren(inner) => self.must_be_defined(inner, out),
            Node::Scalar | Node::Var(_) | Node::Unary { .. } | Node::Comprehension => {}
        }
    }

    /// A side of a unification: a reference keeps its place (only its
    /// dynamic parts are bound), anything else is bound whole.
    fn equality_side(&self, side: &Node, out: &mut Vec<(usize, usize)>) {
        match side {
            Node::Ref { dynamic, .. } => dynamic.iter().for_each(|d| self.bound(d, out)),
            Node::Var(_) => {}
            Node::Paren(inner) => self.equality_side(inner, out),
            other => self.bound(other, out),
        }
    }

    /// A term OPA binds to a variable: references (rule names, import aliases,
    /// `input` and `data` included; local variables are bound already) and
    /// calls whole; composites element by element; comprehensions never.
    fn bound(&self, node: &Node, out: &mut Vec<(usize, usize)>) {
        match node {
            Node::Var(i) => {
                let name = self.text(*i);
                if self.rule_names.contains(name) || name == "input" || name == "data" {
                    out.push((*i, *i));
                }
            }
            Node::Ref { span, .. }
            | Node::Call { span, .. }
            | Node::Binary { span, .. }
            | Node::Unary { span } => out.push(*span),
            Node::Composite(items) => items.iter().for_each(|d| self.bound(d, out)),
            Node::Paren(inner) => self.bound(inner, out),
            Node::Scalar | Node::Comprehension => {}
        }
    }
}

/// How deeply brackets may nest inside one negated expression.
const MAX_NESTING: u32 = 64;

/// How many terms one negated expression may have. Untrusted text: this
/// bounds the parse tree (and so the recursion that drops it).
const MAX_TERMS: u32 = 4096;

/// A recursive-descent parser for one expression, over the walker's tokens.
struct Parser<'w, 'a> {
    w: &'w Walker<'a>,
    pos: usize,
    /// Terms left before the expression is given up as too large.
    budget: u32,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&'a str> {
        (self.pos < self.w.toks.len()).then(|| self.w.text(self.pos))
    }

    fn adjacent(&self) -> bool {
        self.pos > 0
            && self.pos < self.w.toks.len()
            && self.w.toks[self.pos].start == self.w.toks[self.pos - 1].end
    }

    fn eat(&mut self, s: &str) -> Option<()> {
        (self.peek()? == s).then(|| self.pos += 1)
    }

    /// An expression of operators from `level` on. `nest` > 0 inside
    /// brackets, where newlines do not end it.
    fn expr(&mut self, level: usize, nest: u32) -> Option<Node> {
        if level == LEVELS.len() {
            return self.term(nest);
        }
        let first = self.pos;
        let mut lhs = self.expr(level + 1, nest)?;
        while let Some(op) = self.peek() {
            let is_op = self.w.toks[self.pos].kind != Kind::Str
                && LEVELS[level].contains(&op)
                && (op != "in" || self.w.keyword(self.pos) == Some("in"));
            if !is_op || (nest == 0 && self.w.toks[self.pos].line_break) {
                break;
            }
            let op = op.to_string();
            self.pos += 1;
            let rhs = self.expr(level + 1, nest)?;
            lhs = Node::Binary {
                span: (first, self.pos - 1),
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
        Some(lhs)
    }

    fn term(&mut self, nest: u32) -> Option<Node> {
        // Untrusted text: bound the recursion; regorus rejects such nesting too.
        if nest > MAX_NESTING || self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        let first = self.pos;
        let tok = *self.w.toks.get(self.pos)?;
        let text = self.peek()?;
        let mut node = match tok.kind {
            Kind::Number | Kind::Str => {
                self.pos += 1;
                Node::Scalar
            }
            Kind::Ident => {
                self.pos += 1;
                match text {
                    "true" | "false" | "null" => Node::Scalar,
                    "set" if self.adjacent() && self.peek() == Some("(") => {
                        self.pos += 1;
                        self.eat(")")?;
                        Node::Composite(Vec::new())
                    }
                    _ if self.w.keyword(first).is_some() => return None,
                    _ => Node::Var(first),
                }
            }
            Kind::Sym => match text {
                "-" => {
                    self.pos += 1;
                    self.term(nest + 1)?;
                    return Some(Node::Unary {
                        span: (first, self.pos - 1),
                    });
                }
                "(" => {
                    self.pos += 1;
                    let inner = self.expr(0, nest + 1)?;
                    self.eat(")")?;
                    Node::Paren(Box::new(inner))
                }
                "[" => {
                    self.pos += 1;
                    self.collection("]", nest)?
                }
                "{" => {
                    self.pos += 1;
                    self.collection("}", nest)?
                }
                _ => return None,
            },
        };
        // Postfix: `.field`, `[index]` and calls, all without whitespace.
        let mut callable = matches!(node, Node::Var(_));
        let mut dynamic: Vec<Node> = Vec::new();
        let mut is_ref = false;
        loop {
            if !self.adjacent() {
                break;
            }
            match self.peek() {
                Some(".") => {
                    self.pos += 1;
                    let field = self.w.toks.get(self.pos)?;
                    if field.kind != Kind::Ident || !self.adjacent() {
                        return None;
                    }
                    self.pos += 1;
                }
                Some("[") => {
                    self.pos += 1;
                    let index = self.expr(0, nest + 1)?;
                    self.eat("]")?;
                    callable &= matches!(index, Node::Scalar);
                    dynamic.push(index);
                }
                Some("(") if callable => {
                    let callee = self.w.flat(first, self.pos - 1);
                    self.pos += 1;
                    let mut args = Vec::new();
                    while self.peek()? != ")" {
                        args.push(self.expr(0, nest + 1)?);
                        if self.eat(",").is_none() {
                            break;
                        }
                    }
                    self.eat(")")?;
                    node = Node::Call {
                        span: (first, self.pos - 1),
                        name: callee,
                        args,
                    };
                    callable = false;
                    continue;
                }
                _ => break,
            }
            if !is_ref {
                is_ref = true;
                if !matches!(node, Node::Var(_)) {
                    dynamic.insert(0, std::mem::replace(&mut node, Node::Scalar));
                }
            }
        }
        if is_ref {
            node = Node::Ref {
                span: (first, self.pos - 1),
                dynamic,
            };
        }
        Some(node)
    }

    /// The rest of an array, set or object literal, or a comprehension,
    /// after its opening bracket.
    fn collection(&mut self, close: &str, nest: u32) -> Option<Node> {
        let nest = nest + 1;
        let mut items = Vec::new();
        if self.eat(close).is_some() {
            return Some(Node::Composite(items));
        }
        // Parsed above `|`, which here starts a comprehension's body.
        let first = self.expr(4, nest)?;
        let mut object = false;
        items.push(first);
        if close == "}" && self.eat(":").is_some() {
            object = true;
            items.push(self.expr(4, nest)?);
        }
        if self.peek()? == "|" {
            self.skip_to(close)?;
            return Some(Node::Comprehension);
        }
        while self.eat(",").is_some() {
            if self.peek()? == close {
                break;
            }
            items.push(self.expr(3, nest)?);
            if object {
                self.eat(":")?;
                items.push(self.expr(3, nest)?);
            }
        }
        self.eat(close)?;
        Some(Node::Composite(items))
    }

    /// Moves past the bracket that closes the current one.
    fn skip_to(&mut self, close: &str) -> Option<()> {
        let mut depth = 0usize;
        loop {
            let t = self.peek()?;
            self.pos += 1;
            match t {
                "{" | "[" | "(" => depth += 1,
                "}" | "]" | ")" if depth == 0 => return (t == close).then_some(()),
                "}" | "]" | ")" => depth -= 1,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
