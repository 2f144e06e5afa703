//! Networks as plain GraphML (every attribute declared with `attr.name` and
//! `attr.type`, no yFiles/visone extensions: what Gephi, networkx and igraph
//! all read — DNA's own visone dialect trips Gephi, see dna-format.md §3),
//! and as CSV node + edge lists with the same attributes.

use crate::network::{Network, Value};
use crate::table::record;

/// XML 1.0 text: escapes markup and drops characters XML cannot carry.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A double as GraphML/CSV text: integers without a fraction, else up to 6
/// decimals (DNA's precision).
pub fn double(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').to_string()
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::Double(d) => double(*d),
        Value::Text(t) => t.clone(),
    }
}

/// The network as GraphML (yEd, Gephi, visone), nodes and edges in the network's order.
pub fn to_graphml(net: &Network) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    for (id, ty) in [("label", "string"), ("mode", "string"), ("type", "string"), ("frequency", "int")] {
        out.push_str(&format!("  <key id=\"{id}\" for=\"node\" attr.name=\"{id}\" attr.type=\"{ty}\"/>\n"));
    }
    out.push_str("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n");
    for (name, ty) in &net.edge_attributes {
        out.push_str(&format!(
            "  <key id=\"e_{n}\" for=\"edge\" attr.name=\"{n}\" attr.type=\"{ty}\"/>\n",
            n = xml(name)
        ));
    }
    out.push_str(&format!(
        "  <graph id=\"{}\" edgedefault=\"{}\">\n",
        xml(&net.name),
        if net.directed { "directed" } else { "undirected" }
    ));
    for n in &net.nodes {
        out.push_str(&format!(
            "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"mode\">{}</data>\
             <data key=\"type\">{}</data><data key=\"frequency\">{}</data></node>\n",
            xml(&n.id),
            xml(&n.label),
            xml(&n.mode),
            xml(&n.etype),
            n.frequency
        ));
    }
    for (i, e) in net.edges.iter().enumerate() {
        out.push_str(&format!(
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"weight\">{}</data>",
            xml(&e.source),
            xml(&e.target),
            double(e.weight)
        ));
        for ((name, _), v) in net.edge_attributes.iter().zip(&e.values) {
            out.push_str(&format!("<data key=\"e_{}\">{}</data>", xml(name), xml(&value(v))));
        }
        out.push_str("</edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

/// (nodes.csv, edges.csv): `id,label,mode,type,frequency` and
/// `source,target,weight,<edge attributes>` (Gephi's spreadsheet import
/// columns: Id/Label and Source/Target are matched case-insensitively).
pub fn to_csv(net: &Network) -> (String, String) {
    let mut nodes = String::new();
    record(&mut nodes, &["id", "label", "mode", "type", "frequency"]);
    for n in &net.nodes {
        record(&mut nodes, &[n.id.clone(), n.label.clone(), n.mode.clone(), n.etype.clone(), n.frequency.to_string()]);
    }
    let mut edges = String::new();
    let mut header = vec!["source".to_string(), "target".into(), "weight".into()];
    if net.directed {
        header.push("type".into());
    }
    header.extend(net.edge_attributes.iter().map(|(n, _)| n.clone()));
    record(&mut edges, &header);
    for e in &net.edges {
        let mut row = vec![e.source.clone(), e.target.clone(), double(e.weight)];
        if net.directed {
            row.push("Directed".into());
        }
        row.extend(e.values.iter().map(value));
        record(&mut edges, &row);
    }
    (nodes, edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_control_characters_dropped() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(double(2.0), "2");
        assert_eq!(double(0.5), "0.5");
        assert_eq!(double(1.0 / 3.0), "0.333333");
    }
}
