//! Node's documented examples and edge cases for `sys::path`.

use super::*;

#[test]
fn node_edge_cases() {
    assert_eq!(normalize("/foo/bar//baz/asdf/quux/.."), "/foo/bar/baz/asdf");
    assert_eq!(normalize("../../a/./b/"), "../../a/b/");
    assert_eq!(normalize("/../.."), "/");
    assert_eq!(normalize("./"), "./");
    assert_eq!(join(&["/foo", "bar", "baz/asdf", "quux", ".."]), "/foo/bar/baz/asdf");
    assert_eq!(join(&["", ""]), ".");
    assert_eq!(resolve(&["/foo/bar", "./baz"], "/x"), "/foo/bar/baz");
    assert_eq!(
        resolve(&["wwwroot", "static_files/png/", "../gif/image.gif"], "/home/me"),
        "/home/me/wwwroot/static_files/gif/image.gif"
    );
    assert_eq!(relative("/data/orandea/test/aaa", "/data/orandea/impl/bbb", "/"), "../../impl/bbb");
    assert_eq!(relative("/foo/bar", "/", "/"), "../..");
    assert_eq!(dirname("/a/b/"), "/a");
    assert_eq!(dirname("//a"), "//");
    assert_eq!(basename("/a/b.html", Some(".html")), "b");
    assert_eq!(basename("aaa/bbb", Some("bbb")), "bbb");
    assert_eq!(extname("index.coffee.md"), ".md");
    assert_eq!(extname(".index"), "");
    assert_eq!(extname(".."), "");
    let p = parse("/home/user/dir/file.txt");
    assert_eq!(
        (p.root.as_str(), p.dir.as_str(), p.base.as_str(), p.ext.as_str(), p.name.as_str()),
        ("/", "/home/user/dir", "file.txt", ".txt", "file")
    );
    assert_eq!(format("/ignored", "/home/user/dir", "file.txt", "", ""), "/home/user/dir/file.txt");
    assert_eq!(format("/", "", "", "file", "txt"), "/file.txt");
}
