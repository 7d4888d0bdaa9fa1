//! The architecture docs/architecture.md describes, held against the code: the pipeline's
//! stages import only earlier stages and the foundation, and no two files import each other,
//! directly or around a circle. Read from the source text (every `crate::…`, `super::…` and
//! `self::…` path outside comments and `#[cfg(test)]` modules, resolved to the file that
//! defines it), so a new import that breaks either rule fails here, naming the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Where each file stands, lowest first. A file may import files of its own layer or a lower
/// one; no other.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error.rs",
            "exit.rs",
            "fault.rs",
            "log.rs",
            "progress.rs",
            "province.rs",
            "resources.rs",
            "rng.rs",
            "small_file.rs",
            "stop.rs",
            "timings.rs",
            "version.rs",
        ],
    ),
    ("input", &["input/"]),
    ("normalize", &["normalize/"]),
    ("register", &["register/"]),
    ("matching", &["matching/"]),
    ("report", &["report/"]),
    ("history", &["history/"]),
    ("config", &["config.rs"]),
    ("synth", &["synth/"]),
    ("pipeline", &["pipeline/"]),
    ("cli", &["cli.rs"]),
    ("commands", &["commands/"]),
    ("crate", &["lib.rs", "main.rs"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file, as a path relative to `src/` with `/` separators.
fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(src()).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The layer a file belongs to.
fn layer(file: &str) -> usize {
    LAYERS
        .iter()
        .position(|(_, members)| {
            members
                .iter()
                .any(|m| file == *m || (m.ends_with('/') && file.starts_with(m)))
        })
        .unwrap_or_else(|| panic!("src/{file} is in no layer of tests/architecture.rs"))
}

/// The module path of a file: `matching/compare.rs` → [matching, compare]; `matching/mod.rs`
/// → [matching]; `lib.rs` → [].
fn module_of(file: &str) -> Vec<String> {
    let stem = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = stem.split('/').map(String::from).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The file that defines the module at `path`, if one does.
fn file_of(module: &[String], known: &BTreeSet<String>) -> Option<String> {
    if module.is_empty() {
        return Some("lib.rs".into());
    }
    let joined = module.join("/");
    [format!("{joined}.rs"), format!("{joined}/mod.rs")]
        .into_iter()
        .find(|f| known.contains(f))
}

/// The source without comments, string literals and `#[cfg(test)]` modules.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut code = String::with_capacity(text.len());
    for line in text.lines() {
        let line = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        // String literals hold no imports; their quotes are dropped with what they enclose.
        let mut in_string = false;
        let mut previous = ' ';
        for c in line.chars() {
            if c == '"' && previous != '\\' {
                in_string = !in_string;
            } else if !in_string {
                code.push(c);
            }
            previous = c;
        }
        code.push('\n');
    }
    code
}

/// The modules a file declares (`mod name;`, with any visibility).
fn children_of(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line.split("mod ").nth(1)?;
            let is_declaration = line.starts_with("mod ") || line.starts_with("pub");
            let name = rest.strip_suffix(';')?;
            (is_declaration && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
                .then(|| name.to_string())
        })
        .collect()
}

/// Every path the code names: `crate::a::b`, `super::a`, `self::a`, and `child::a` for a module
/// the file declares (read as `self::child::a`), including each path of a `use a::{b, c::d}`
/// group, as lists of segments.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let children = children_of(code);
    let mut starts: Vec<String> = ["crate::", "super::", "self::"].map(String::from).to_vec();
    starts.extend(children.iter().map(|c| format!("{c}::")));
    let mut paths = Vec::new();
    let tokens: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < tokens.len() {
        let boundary = i == 0
            || !(tokens[i - 1].is_alphanumeric() || tokens[i - 1] == '_' || tokens[i - 1] == ':');
        let start = boundary
            .then(|| {
                starts.iter().find(|p| {
                    let p: Vec<char> = p.chars().collect();
                    tokens[i..].starts_with(&p)
                })
            })
            .flatten();
        if let Some(start) = start {
            let (found, end) = read_path(&tokens, i);
            let is_child = !["crate::", "super::", "self::"].contains(&start.as_str());
            for path in found {
                if is_child {
                    paths.push(std::iter::once("self".to_string()).chain(path).collect());
                } else {
                    paths.push(path);
                }
            }
            i = end;
        } else {
            i += 1;
        }
    }
    paths
}

/// Reads the path starting at `i`, expanding a `{…}` group; returns the paths and where the
/// path ends.
fn read_path(tokens: &[char], mut i: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix: Vec<String> = Vec::new();
    let mut word = String::new();
    while i < tokens.len() {
        let c = tokens[i];
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            i += 1;
        } else if c == ':' && tokens.get(i + 1) == Some(&':') {
            prefix.push(std::mem::take(&mut word));
            i += 2;
            while tokens.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
            if tokens.get(i) == Some(&'{') {
                let mut paths = Vec::new();
                i += 1;
                loop {
                    while tokens
                        .get(i)
                        .is_some_and(|c| c.is_whitespace() || *c == ',')
                    {
                        i += 1;
                    }
                    match tokens.get(i) {
                        None => return (paths, i),
                        Some('}') => return (paths, i + 1),
                        _ => {}
                    }
                    let (inner, end) = read_path(tokens, i);
                    for p in inner {
                        paths.push(prefix.iter().cloned().chain(p).collect());
                    }
                    i = end.max(i + 1);
                }
            }
        } else {
            break;
        }
    }
    if !word.is_empty() {
        prefix.push(word);
    }
    (vec![prefix], i)
}

/// The files each file imports.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    // The generator's whole-file tests are a test module kept in a file of its own.
    all.retain(|f| f != "synth/tests.rs");
    let known: BTreeSet<String> = all.iter().cloned().collect();
    let mut graph = BTreeMap::new();
    for file in &all {
        let code = code_of(&std::fs::read_to_string(src().join(file)).unwrap());
        let here = module_of(file);
        let mut targets = BTreeSet::new();
        for path in paths_in(&code) {
            let mut module: Vec<String> = match path[0].as_str() {
                "crate" => Vec::new(),
                "self" => here.clone(),
                _ => here[..here.len().saturating_sub(1)].to_vec(),
            };
            let mut rest = &path[1..];
            while let Some(first) = rest.first().filter(|s| *s == "super") {
                let _ = first;
                module.pop();
                rest = &rest[1..];
            }
            // The longest prefix of the path that is a module names the file.
            let mut target = file_of(&module, &known);
            for segment in rest {
                module.push(segment.clone());
                match file_of(&module, &known) {
                    Some(f) => target = Some(f),
                    None => break,
                }
            }
            if let Some(target) = target.filter(|t| t != file) {
                targets.insert(target);
            }
        }
        graph.insert(file.clone(), targets);
    }
    graph
}

#[test]
fn stages_import_only_earlier_stages_and_the_foundation() {
    let mut wrong = Vec::new();
    for (file, targets) in imports() {
        for target in targets {
            let (from, to) = (layer(&file), layer(&target));
            if to > from {
                wrong.push(format!(
                    "src/{file} ({}) imports src/{target} ({})",
                    LAYERS[from].0, LAYERS[to].0
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other() {
    let graph = imports();
    // Tarjan's strongly connected components: any component of two or more files is a circle.
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        circles: Vec<Vec<&'a str>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.circles.push(component);
            }
        }
    }
    let mut state = State {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        circles: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    let circles: Vec<String> = (state.circles.iter())
        .map(|c| {
            c.iter()
                .map(|f| format!("src/{f}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "files that import each other:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_reader_finds_grouped_and_nested_paths() {
    let code = code_of(
        "mod kid;\nuse crate::a::{b::C, d};\n// use crate::commented::Out;\nfn f() { super::e::g(); \"crate::in_string\"; kid::h(); x::kid::i(); }\n",
    );
    let paths = paths_in(&code);
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "crate::a::b::C",
            "crate::a::d",
            "super::e::g",
            "self::kid::h"
        ]
    );
}
