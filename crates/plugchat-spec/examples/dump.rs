fn main() {
    let root = std::env::args().nth(1).unwrap();
    let (spec, diags) = plugchat_spec::parse_tree(std::path::Path::new(&root));
    for d in &diags {
        println!("{d}");
    }
    println!("{}", serde_json::to_string_pretty(&spec).unwrap());
}
