fn main() {
    let root = std::env::args().nth(1).unwrap();
    let (spec, _) = plugchat_spec::parse_tree(std::path::Path::new(&root));
    println!("{}", plugchat_codegen::pretty(plugchat_codegen::generate(&spec).unwrap()));
}
