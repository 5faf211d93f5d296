//! Classify operations read from stdin, one per line, tab-separated:
//! `METHOD  PATH  OPERATION_ID  SUMMARY  DESCRIPTION` (empty fields allowed). Prints the risk,
//! the reason and the line. Used to review the model on a corpus.
use std::io::BufRead;

fn main() {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines().map_while(Result::ok) {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().filter(|s| !s.is_empty());
        let a = apiward_taxonomy::assess(&apiward_taxonomy::OperationFacts {
            method: get(0).unwrap_or("GET"),
            path: get(1).unwrap_or("/"),
            operation_id: get(2),
            summary: get(3),
            description: get(4),
            ..Default::default()
        });
        let risk = if a.sign_up {
            "sign-up"
        } else {
            a.risk.as_str()
        };
        println!("{risk}\t{}\t{}", a.reason, line);
    }
}
