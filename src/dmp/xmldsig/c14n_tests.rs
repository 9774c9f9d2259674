//! Canonicalisation against known canonical forms: small documents with namespaces and
//! attributes out of order, compared with `xmllint --exc-c14n` run in the test, and subtree /
//! PrefixList cases whose expected forms were computed with libxml2 (the engine of xmllint
//! and xmlsec1) and are written out here.

use super::c14n::{canonicalize, parse_prefix_list};
use super::test_support::xmllint_exc_c14n;
use super::tree::Tree;

fn ours(xml: &str) -> String {
    let tree = Tree::parse(xml).unwrap();
    canonicalize(&tree, tree.root, None, &[])
}

/// Documents whose canonical form must equal xmllint's (no comments: xmllint keeps them).
const DOCUMENTS: &[&str] = &[
    // Attributes sorted by namespace name then local name, unqualified first; bindings by prefix.
    r#"<r xmlns:b="urn:a" xmlns:a="urn:b" z="1" b:y="2" a:x="3" a="4" b:a="5"><c/></r>"#,
    // Unused bindings dropped, used ones pushed down to where they are used.
    r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns:c="urn:c"><x><b:y/><b:y/></x><c:z c:k="v"/></a:r>"#,
    // Default namespace, its undeclaration and re-declaration.
    r#"<a xmlns="urn:x"><b xmlns=""><c xmlns="urn:x"/><d/></b><p:e xmlns:p="urn:p"><f/></p:e></a>"#,
    // A prefix re-bound to another namespace deeper down.
    r#"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/></p:a>"#,
    // Escapes in text and attributes, character references, white space kept.
    "<a t=\"x&#9;y&#10;z&#13;&quot;&lt;&gt;'\" u='single \"quotes\"'>\n  1 &lt; 2 &amp;&amp; 3 &gt; 2 &#13;\r\n  <b/>\t</a>",
    // Attribute values with literal tabs and line ends are normalised to spaces.
    "<a v=\"1\t2\n3\r\n4\"/>",
    // CDATA becomes escaped text; XML declaration and outer white space go.
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><![CDATA[<x> & ]]></a>\n",
    // Non-ASCII text and names, empty elements, xml: attributes.
    r#"<é xml:lang="fr" xmlns:ß="urn:eszett" ß:ü="ô">Hôpital « test »<ß:ñ/></é>"#,
    // SAML-like: unused xs binding dropped, QName content untouched.
    r#"<s:A xmlns:s="urn:s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><s:V xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">v</s:V></s:A>"#,
];

#[test]
fn canonical_forms_match_xmllint() {
    for document in DOCUMENTS {
        assert_eq!(
            ours(document),
            xmllint_exc_c14n(document),
            "document: {document}"
        );
    }
}

#[test]
fn known_canonical_forms() {
    assert_eq!(
        ours(r#"<r xmlns:b="urn:a" xmlns:a="urn:b" z="1" b:y="2" a:x="3" a="4" b:a="5"><c/></r>"#),
        r#"<r xmlns:a="urn:b" xmlns:b="urn:a" a="4" z="1" b:a="5" b:y="2" a:x="3"><c></c></r>"#
    );
    assert_eq!(
        ours("<a><!-- dropped --><b/><!--also--></a>"),
        "<a><b></b></a>"
    );
    assert_eq!(
        ours("<a t=\"&#9;&#10;&#13;\">&#13;&gt;</a>"),
        "<a t=\"&#x9;&#xA;&#xD;\">&#xD;&gt;</a>"
    );
}

fn subtree(xml: &str, local: &str, prefixes: &str) -> String {
    let tree = Tree::parse(xml).unwrap();
    let apex = (0..tree.elements.len())
        .find(|&e| tree.get(e).local == local)
        .unwrap();
    canonicalize(&tree, apex, None, &parse_prefix_list(prefixes))
}

#[test]
fn subtrees_take_only_the_inherited_bindings_they_use_or_list() {
    let xml = r#"<r xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q"><s:x xmlns:s="urn:s" p:k="1"><y/></s:x></r>"#;
    // Expected forms computed with lxml (libxml2): etree.tostring(x, method="c14n",
    // exclusive=True, inclusive_ns_prefixes=[...]); the `#default` case with xmlsec1 (a
    // signature with that PrefixList, `--store-references`), as lxml does not map the token.
    assert_eq!(
        subtree(xml, "x", ""),
        r#"<s:x xmlns:p="urn:p" xmlns:s="urn:s" p:k="1"><y xmlns="urn:d"></y></s:x>"#
    );
    assert_eq!(
        subtree(xml, "x", "q"),
        r#"<s:x xmlns:p="urn:p" xmlns:q="urn:q" xmlns:s="urn:s" p:k="1"><y xmlns="urn:d"></y></s:x>"#
    );
    assert_eq!(
        subtree(xml, "x", "#default q absent"),
        r#"<s:x xmlns="urn:d" xmlns:p="urn:p" xmlns:q="urn:q" xmlns:s="urn:s" p:k="1"><y></y></s:x>"#
    );
    assert_eq!(subtree(xml, "y", ""), r#"<y xmlns="urn:d"></y>"#);
}

#[test]
fn excluded_subtree_is_left_out() {
    let xml =
        r#"<a:r xmlns:a="urn:a"><a:i>1</a:i><a:sig xmlns:z="urn:z"><z:k/></a:sig><a:j/></a:r>"#;
    let tree = Tree::parse(xml).unwrap();
    let sig = (0..tree.elements.len())
        .find(|&e| tree.get(e).local == "sig")
        .unwrap();
    assert_eq!(
        canonicalize(&tree, tree.root, Some(sig), &[]),
        r#"<a:r xmlns:a="urn:a"><a:i>1</a:i><a:j></a:j></a:r>"#
    );
}
