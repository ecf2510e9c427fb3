//! Finding the manifest files below the paths a user names.

use crate::core::{Code, Diagnostic, Location};
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Extensions picked up when walking a directory. A file named explicitly is
/// read whatever its extension.
const MANIFEST_EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// Expands `paths` into the files to read, sorted so that output order does
/// not depend on the walk's thread scheduling. Directories are walked in
/// parallel; hidden files and paths ignored by `.gitignore`, `.ignore` or
/// `.guardignore` are skipped. `-` (stdin) is passed through.
pub fn collect_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut dirs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            dirs.push(path.clone());
        } else {
            errors.push(not_found(path));
        }
    }
    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = WalkBuilder::new(first);
        for dir in rest {
            builder.add(dir);
        }
        builder
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .add_custom_ignore_filename(".guardignore");
        let found = Mutex::new(Vec::new());
        let failed = Mutex::new(Vec::new());
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        if is_manifest(entry.path()) {
                            found.lock().unwrap().push(entry.into_path());
                        }
                    }
                    Ok(_) => {}
                    Err(error) => failed.lock().unwrap().push(Diagnostic::new(
                        Code::InputUnreadable,
                        format!("cannot walk: {error}"),
                    )),
                }
                WalkState::Continue
            })
        });
        let mut found = found.into_inner().unwrap();
        found.sort();
        files.extend(found);
        errors.extend(failed.into_inner().unwrap());
    }
    (files, errors)
}

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| MANIFEST_EXTENSIONS.contains(&ext))
}

fn not_found(path: &Path) -> Diagnostic {
    Diagnostic::new(Code::InputUnreadable, "no such file or directory").at(Location {
        file: Arc::from(path.to_string_lossy().as_ref()),
        line: 1,
        column: 1,
        path: String::new(),
    })
}
