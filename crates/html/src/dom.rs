//! A flat, pre-order copy of the parsed document (html5ever via scraper).
//!
//! Node `i`'s subtree is the index range `i..end[i]`, so subtree sums are one
//! reverse pass and no algorithm here needs recursion: a page nested a million
//! elements deep costs no stack.

use scraper::{Html, Node as SNode};

/// Element names the extractor cares about; everything else is `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    Html,
    Head,
    Body,
    Title,
    Meta,
    Link,
    Script,
    Style,
    P,
    Div,
    A,
    Br,
    Hr,
    H1,
    H2,
    H3,
    H4,
    H5,
    H6,
    Ul,
    Ol,
    Li,
    Dl,
    Dt,
    Dd,
    Table,
    Tr,
    Td,
    Th,
    Caption,
    Blockquote,
    Pre,
    Article,
    Section,
    Main,
    Header,
    Footer,
    Nav,
    Aside,
    Figure,
    Figcaption,
    Form,
    Button,
    Input,
    Select,
    Textarea,
    Label,
    Option,
    Iframe,
    Noscript,
    Svg,
    Math,
    Template,
    Object,
    Embed,
    Canvas,
    Video,
    Audio,
    Picture,
    Time,
    Address,
    Center,
    Details,
    Summary,
    Dialog,
    Menu,
    Fieldset,
    Legend,
    Span,
    Img,
    Other,
}

impl Tag {
    pub fn from_name(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "head" => Tag::Head,
            "body" => Tag::Body,
            "title" => Tag::Title,
            "meta" => Tag::Meta,
            "link" => Tag::Link,
            "script" => Tag::Script,
            "style" => Tag::Style,
            "p" => Tag::P,
            "div" => Tag::Div,
            "a" => Tag::A,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "h1" => Tag::H1,
            "h2" => Tag::H2,
            "h3" => Tag::H3,
            "h4" => Tag::H4,
            "h5" => Tag::H5,
            "h6" => Tag::H6,
            "ul" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "caption" => Tag::Caption,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "article" => Tag::Article,
            "section" => Tag::Section,
            "main" => Tag::Main,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "form" => Tag::Form,
            "button" => Tag::Button,
            "input" => Tag::Input,
            "select" => Tag::Select,
            "textarea" => Tag::Textarea,
            "label" => Tag::Label,
            "option" | "optgroup" | "datalist" => Tag::Option,
            "iframe" | "frame" | "frameset" => Tag::Iframe,
            "noscript" | "noembed" | "noframes" => Tag::Noscript,
            "svg" => Tag::Svg,
            "math" => Tag::Math,
            "template" => Tag::Template,
            "object" | "applet" | "param" => Tag::Object,
            "embed" => Tag::Embed,
            "canvas" => Tag::Canvas,
            "video" | "source" | "track" => Tag::Video,
            "audio" => Tag::Audio,
            "picture" => Tag::Picture,
            "time" => Tag::Time,
            "address" => Tag::Address,
            "center" => Tag::Center,
            "details" => Tag::Details,
            "summary" => Tag::Summary,
            "dialog" => Tag::Dialog,
            "menu" | "menuitem" => Tag::Menu,
            "fieldset" => Tag::Fieldset,
            "legend" => Tag::Legend,
            "span" => Tag::Span,
            "img" => Tag::Img,
            _ => Tag::Other,
        }
    }

    /// Elements whose start and end break the text into separate lines.
    pub fn is_block(self) -> bool {
        matches!(
            self,
            Tag::Html
                | Tag::Body
                | Tag::P
                | Tag::Div
                | Tag::Br
                | Tag::Hr
                | Tag::H1
                | Tag::H2
                | Tag::H3
                | Tag::H4
                | Tag::H5
                | Tag::H6
                | Tag::Ul
                | Tag::Ol
                | Tag::Li
                | Tag::Dl
                | Tag::Dt
                | Tag::Dd
                | Tag::Table
                | Tag::Tr
                | Tag::Td
                | Tag::Th
                | Tag::Caption
                | Tag::Blockquote
                | Tag::Pre
                | Tag::Article
                | Tag::Section
                | Tag::Main
                | Tag::Header
                | Tag::Footer
                | Tag::Nav
                | Tag::Aside
                | Tag::Figure
                | Tag::Figcaption
                | Tag::Form
                | Tag::Address
                | Tag::Center
                | Tag::Details
                | Tag::Summary
                | Tag::Dialog
                | Tag::Menu
                | Tag::Fieldset
                | Tag::Legend
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Document,
    Element,
    Text,
    /// Comments, doctypes, processing instructions.
    Other,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub parent: u32,
    /// One past the last node of this node's subtree.
    pub end: u32,
    pub kind: Kind,
    pub tag: Tag,
    /// Index into `Dom::elems` (elements) or `Dom::texts` (text nodes).
    pub data: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Elem {
    pub name: String,
    /// Lowercased `class` and `id`, space-separated.
    pub class_id: String,
    pub attrs: Vec<(String, String)>,
}

impl Elem {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

pub const NONE: u32 = u32::MAX;

pub struct Dom {
    pub nodes: Vec<Node>,
    pub elems: Vec<Elem>,
    pub texts: Vec<String>,
}

/// Attributes kept from elements (others are dropped to save memory).
const KEPT_ATTRS: &[&str] = &[
    "itemprop",
    "itemtype",
    "role",
    "hidden",
    "aria-hidden",
    "style",
    "rel",
    "href",
    "property",
    "name",
    "content",
    "datetime",
    "type",
    "charset",
    "http-equiv",
];

impl Dom {
    pub fn parse(html: &str) -> Dom {
        let doc = Html::parse_document(html);
        let mut dom = Dom { nodes: Vec::new(), elems: Vec::new(), texts: Vec::new() };
        let mut stack: Vec<u32> = Vec::new();
        // Text inside <script> is kept only for JSON-LD (metadata).
        let mut keep_script_text = Vec::<bool>::new();
        for edge in doc.tree.root().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) => {
                    let idx = dom.nodes.len() as u32;
                    let parent = stack.last().copied().unwrap_or(NONE);
                    let (kind, tag, data) = match n.value() {
                        SNode::Document | SNode::Fragment => (Kind::Document, Tag::Other, NONE),
                        SNode::Element(e) => {
                            let name = e.name().to_ascii_lowercase();
                            let tag = Tag::from_name(&name);
                            let mut class_id = String::new();
                            let mut attrs = Vec::new();
                            for (k, v) in e.attrs() {
                                if k == "class" || k == "id" {
                                    if !class_id.is_empty() {
                                        class_id.push(' ');
                                    }
                                    class_id.push_str(&v.to_lowercase());
                                } else if KEPT_ATTRS.contains(&k) {
                                    attrs.push((k.to_string(), v.to_string()));
                                }
                            }
                            let keep =
                                tag == Tag::Script && attrs.iter().any(|(k, v)| k == "type" && v.contains("ld+json"));
                            keep_script_text.push(keep);
                            dom.elems.push(Elem { name, class_id, attrs });
                            (Kind::Element, tag, dom.elems.len() as u32 - 1)
                        }
                        SNode::Text(t) => {
                            let in_script = parent != NONE && dom.nodes[parent as usize].tag == Tag::Script;
                            let keep = !in_script || keep_script_text.last().copied().unwrap_or(false);
                            dom.texts.push(if keep { t.to_string() } else { String::new() });
                            (Kind::Text, Tag::Other, dom.texts.len() as u32 - 1)
                        }
                        _ => (Kind::Other, Tag::Other, NONE),
                    };
                    dom.nodes.push(Node { parent, end: idx + 1, kind, tag, data });
                    stack.push(idx);
                }
                ego_tree::iter::Edge::Close(n) => {
                    if let Some(idx) = stack.pop() {
                        dom.nodes[idx as usize].end = dom.nodes.len() as u32;
                        if matches!(n.value(), SNode::Element(_)) {
                            keep_script_text.pop();
                        }
                    }
                }
            }
        }
        dom
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn elem(&self, i: usize) -> Option<&Elem> {
        let n = &self.nodes[i];
        if n.kind == Kind::Element {
            self.elems.get(n.data as usize)
        } else {
            None
        }
    }

    pub fn text(&self, i: usize) -> Option<&str> {
        let n = &self.nodes[i];
        if n.kind == Kind::Text {
            self.texts.get(n.data as usize).map(|s| s.as_str())
        } else {
            None
        }
    }

    pub fn attr(&self, i: usize, name: &str) -> Option<&str> {
        self.elem(i).and_then(|e| e.attr(name))
    }

    pub fn class_id(&self, i: usize) -> &str {
        self.elem(i).map(|e| e.class_id.as_str()).unwrap_or("")
    }

    /// The text of node `i`'s subtree, whitespace collapsed.
    pub fn inner_text(&self, i: usize) -> String {
        let mut out = String::new();
        let end = self.nodes[i].end as usize;
        for j in i..end {
            if let Some(t) = self.text(j) {
                push_collapsed(&mut out, t);
            }
        }
        out.trim().to_string()
    }
}

/// Appends `t` to `out` with runs of whitespace collapsed to one space.
pub fn push_collapsed(out: &mut String, t: &str) {
    for c in t.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}
