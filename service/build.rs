//! The web page is built by `npm run build` into `web/dist` and embedded in the binary. So that
//! the service also builds before the page has been (its routes then say how to build it), an
//! empty folder stands in for it.

fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist");
    if !dist.exists() {
        std::fs::create_dir_all(&dist).expect("cannot create web/dist");
    }
    println!("cargo:rerun-if-changed=../web/dist");
}
