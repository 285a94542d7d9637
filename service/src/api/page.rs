//! The web page: files from `web/dist`, embedded at build time. Any other path that is not part
//! of the API gets the page itself, whose own router shows the right view.

use poem::http::{StatusCode, Uri, header};
use poem::{IntoResponse, Response, handler};
use rust_embed::Embed;

#[derive(Embed)]
// Relative to the service crate.
#[folder = "../web/dist"]
struct PageFiles;

const NOT_BUILT: &str = "Testbay's web page was not built into this binary. Build it with `scripts/build-web.sh` \
                         (or `npm run build` in web/), then build the service again. The API is at /api and its \
                         documentation at /docs.";

#[handler]
pub fn page(uri: &Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if !path.is_empty()
        && let Some(file) = PageFiles::get(path)
    {
        // Vite names assets by their content, so they never change under their name.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return Response::builder()
            .header(header::CONTENT_TYPE, file.metadata.mimetype())
            .header(header::CACHE_CONTROL, cache)
            .body(file.data.into_owned());
    }
    match PageFiles::get("index.html") {
        Some(index) => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(index.data.into_owned()),
        None => NOT_BUILT.with_status(StatusCode::SERVICE_UNAVAILABLE).into_response(),
    }
}
