//! Property tests of the parser: pages of docs-spec and of the upstream corpus, mutated the
//! ways human edits break them (lines deleted, duplicated and swapped; headings and table
//! separators corrupted; fences cut; bytes that are not UTF-8), never panic and never take a
//! second. Cases: `PLUGCHAT_PROPTEST_CASES` mutated pages (default 6000, for the maintainer's loop;
//! `.ci/run` sets 60000) and a third as many arbitrary texts; the mutation run stops early after 90 s so the suite stays bounded.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use plugchat_spec::{ParseOptions, parse_page};
use proptest::prelude::*;
use proptest::test_runner::RngAlgorithm;

/// XorShift, not proptest's default ChaCha: the cases are as varied for these properties, and
/// ChaCha's rounds in a debug build were a tenth of the suite's time.
const RNG: RngAlgorithm = RngAlgorithm::XorShift;

fn pages() -> &'static Vec<Vec<u8>> {
    static PAGES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut pages = Vec::new();
        // The upstream corpus adds its pages when it is there (`$PLUGCHAT_CORPUS`, relative to
        // the workspace, or `../shared/corpus`); docs-spec alone is enough for the properties.
        let corpus = match std::env::var_os("PLUGCHAT_CORPUS") {
            Some(dir) if !dir.is_empty() => root.join("../..").join(dir),
            _ => root.join("../../../shared/corpus"),
        };
        for dir in [root.join("../../docs-spec"), corpus.join("plugchat-docs/docs")] {
            let mut stack = vec![dir];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "md") {
                        pages.push(std::fs::read(&path).expect("page"));
                    }
                }
            }
        }
        pages.sort();
        pages
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    CorruptHeading(usize, u8),
    CorruptSeparator(usize),
    CutFence(usize),
    InsertBytes(usize, Vec<u8>),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(a, b)| Mutation::CorruptHeading(a, b)),
        any::<usize>().prop_map(Mutation::CorruptSeparator),
        any::<usize>().prop_map(Mutation::CutFence),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(a, b)| Mutation::InsertBytes(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Indexes of the lines for which `pick` holds, or of all lines.
fn pick_line(lines: &[Vec<u8>], seed: usize, pick: impl Fn(&[u8]) -> bool) -> Option<usize> {
    let candidates: Vec<usize> = (0..lines.len()).filter(|&i| pick(&lines[i])).collect();
    let pool = if candidates.is_empty() { (0..lines.len()).collect() } else { candidates };
    (!pool.is_empty()).then(|| pool[seed % pool.len()])
}

fn apply(page: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = page.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
    for mutation in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match mutation {
            Mutation::DeleteLine(i) => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) => lines.insert(i % n, lines[i % n].clone()),
            Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
            Mutation::CorruptHeading(i, byte) => {
                if let Some(i) = pick_line(&lines, *i, |l| l.starts_with(b"#")) {
                    let line = &mut lines[i];
                    let at = line.iter().position(|b| *b != b'#').unwrap_or(line.len());
                    line.insert(at, *byte);
                }
            }
            Mutation::CorruptSeparator(i) => {
                if let Some(i) =
                    pick_line(&lines, *i, |l| l.starts_with(b"| :") || l.starts_with(b"| -") || l.starts_with(b"|:"))
                {
                    lines[i].retain(|b| *b != b'-' && *b != b':');
                }
            }
            Mutation::CutFence(i) => {
                if let Some(i) = pick_line(&lines, *i, |l| l.starts_with(b"```")) {
                    lines.remove(i);
                }
            }
            Mutation::InsertBytes(i, bytes) => {
                let line = &mut lines[i % n];
                let at = if line.is_empty() { 0 } else { i % line.len() };
                line.splice(at..at, bytes.iter().copied());
            }
            Mutation::Truncate(i) => lines.truncate(i % n + 1),
        }
    }
    lines.join(&b'\n')
}

fn deadline() -> &'static Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now)
}

fn cases() -> u32 {
    std::env::var("PLUGCHAT_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(6_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, rng_algorithm: RNG, ..ProptestConfig::default() })]

    #[test]
    fn mutated_pages_never_panic_nor_take_a_second(page in any::<usize>(), mutations in proptest::collection::vec(mutation(), 1..6)) {
        if deadline().elapsed() > Duration::from_secs(90) {
            return Ok(());
        }
        let pages = pages();
        let bytes = apply(&pages[page % pages.len()], &mutations);
        let text = String::from_utf8_lossy(&bytes);
        let started = Instant::now();
        let (page, _) = parse_page("mutated.md", &text, &ParseOptions { base_url: Some("https://x.example/api".into()) });
        prop_assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
        prop_assert!(!page.id.is_empty(), "a page always has an id (the file name at worst)");
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases() / 3, failure_persistence: None, rng_algorithm: RNG, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
        let started = Instant::now();
        let _ = parse_page("arbitrary.md", &text, &ParseOptions::default());
        prop_assert!(started.elapsed() < Duration::from_secs(1));
    }
}
