//! `-f KEY=VALUE` and `-F KEY=TYPED`, as `gh api` reads them: nested keys (`a[b]=v`), lists
//! (`a[]=v`), typed values (numbers, `true`, `false`, `null`, `@FILE`). They become a JSON
//! body, or query parameters in Google's spelling: `a[b]=v` is `a.b=v` (the dotted path
//! Google's HTTP mapping uses for nested fields) and `a[]=v` repeats `a=v`.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// The deepest key a field may name.
const MAX_STEPS: usize = 32;

/// One step of a key: an object member, or "append to the list".
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Append,
}

/// Fields in the order given, nested as their keys say.
#[derive(Debug, Default, PartialEq)]
pub struct Fields {
    root: Vec<(String, Node)>,
}

#[derive(Debug, PartialEq)]
enum Node {
    Leaf(Value),
    Obj(Vec<(String, Node)>),
    List(Vec<Node>),
}

/// How `-F` reads `@FILE`: the file's bytes (`@-`: stdin's).
pub type ReadFile<'a> = &'a mut dyn FnMut(&str) -> Result<String>;

impl Fields {
    /// Parses the `-f` (`raw`) and `-F` (`typed`) arguments.
    pub fn parse(raw: &[String], typed: &[String], read: ReadFile<'_>) -> Result<Fields> {
        let mut fields = Fields::default();
        for arg in raw {
            let (key, value) = split(arg, "-f")?;
            fields.insert(arg, &steps(key, arg)?, Value::String(value.to_string()))?;
        }
        for arg in typed {
            let (key, value) = split(arg, "-F")?;
            fields.insert(arg, &steps(key, arg)?, typed_value(value, read)?)?;
        }
        Ok(fields)
    }

    pub fn is_empty(&self) -> bool {
        self.root.is_empty()
    }

    /// The fields as a JSON object (a POST, PUT or PATCH body).
    pub fn to_json(&self) -> Value {
        Value::Object(obj_json(&self.root))
    }

    /// The fields as query parameters, in Google's spelling, in the order given.
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (k, node) in &self.root {
            flatten(k, node, &mut out);
        }
        out
    }

    fn insert(&mut self, arg: &str, steps: &[Step], value: Value) -> Result<()> {
        let Some((Step::Key(first), rest)) = steps.split_first() else {
            return Err(bad_key(arg));
        };
        insert_in_obj(&mut self.root, first, rest, value, arg)
    }
}

fn split<'a>(arg: &'a str, flag: &str) -> Result<(&'a str, &'a str)> {
    arg.split_once('=').ok_or_else(|| {
        Error::usage(
            format!("{flag} `{arg}` has no `=`"),
            format!("write {flag} KEY=VALUE, e.g. {flag} fields=user"),
        )
    })
}

fn bad_key(arg: &str) -> Error {
    Error::usage(
        format!("`{arg}`: a key is a name, then [name] or [] steps, e.g. a[b][]=v"),
        "check the brackets of the key",
    )
}

/// `a[b][]` → Key(a), Key(b), Append.
fn steps(key: &str, arg: &str) -> Result<Vec<Step>> {
    let (name, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    if name.is_empty() || name.contains(']') {
        return Err(bad_key(arg));
    }
    let mut out = vec![Step::Key(name.to_string())];
    while !rest.is_empty() {
        // Nesting is built recursively: a key of ten thousand steps must be refused, not
        // overflow the stack. No API takes more than a handful.
        if out.len() > MAX_STEPS {
            return Err(Error::usage(
                format!(
                    "`{}…`: a key nests more than {MAX_STEPS} levels",
                    arg.chars().take(40).collect::<String>()
                ),
                "nest fewer levels, or send the body with --input",
            ));
        }
        let inner = rest.strip_prefix('[').ok_or_else(|| bad_key(arg))?;
        let close = inner.find(']').ok_or_else(|| bad_key(arg))?;
        let part = &inner[..close];
        out.push(if part.is_empty() {
            Step::Append
        } else {
            Step::Key(part.to_string())
        });
        rest = &inner[close + 1..];
    }
    Ok(out)
}

fn typed_value(text: &str, read: ReadFile<'_>) -> Result<Value> {
    Ok(match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ if text.starts_with('@') => Value::String(read(&text[1..])?),
        _ => match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) if !text.starts_with('+') => Value::Number(n),
            _ => Value::String(text.to_string()),
        },
    })
}

fn conflict(arg: &str) -> Error {
    Error::usage(
        format!("`{arg}` gives a key another field already gave a different shape or a value"),
        "give each plain key once; for a list use key[]=v for every element",
    )
}

fn insert_in_obj(
    members: &mut Vec<(String, Node)>,
    key: &str,
    rest: &[Step],
    value: Value,
    arg: &str,
) -> Result<()> {
    let found = members.iter().position(|(k, _)| k == key);
    match (rest.split_first(), found) {
        (None, None) => members.push((key.to_string(), Node::Leaf(value))),
        (None, Some(_)) => return Err(conflict(arg)),
        (Some((step, more)), None) => {
            let mut node = match step {
                Step::Key(_) => Node::Obj(Vec::new()),
                Step::Append => Node::List(Vec::new()),
            };
            insert_in_node(&mut node, step, more, value, arg)?;
            members.push((key.to_string(), node));
        }
        (Some((step, more)), Some(i)) => insert_in_node(&mut members[i].1, step, more, value, arg)?,
    }
    Ok(())
}

fn insert_in_node(
    node: &mut Node,
    step: &Step,
    rest: &[Step],
    value: Value,
    arg: &str,
) -> Result<()> {
    match (node, step) {
        (Node::Obj(members), Step::Key(k)) => insert_in_obj(members, k, rest, value, arg),
        (Node::List(items), Step::Append) => match rest.split_first() {
            None => {
                items.push(Node::Leaf(value));
                Ok(())
            }
            // `a[][name]=x`: fills the last object while it lacks `name`, as gh does.
            Some((Step::Key(k), more)) => {
                let fits =
                    matches!(items.last(), Some(Node::Obj(m)) if !m.iter().any(|(n, _)| n == k));
                if !fits {
                    items.push(Node::Obj(Vec::new()));
                }
                match items.last_mut() {
                    Some(Node::Obj(m)) => insert_in_obj(m, k, more, value, arg),
                    _ => Err(conflict(arg)),
                }
            }
            Some((Step::Append, _)) => Err(bad_key(arg)),
        },
        _ => Err(conflict(arg)),
    }
}

fn obj_json(members: &[(String, Node)]) -> Map<String, Value> {
    members
        .iter()
        .map(|(k, n)| (k.clone(), node_json(n)))
        .collect()
}

fn node_json(node: &Node) -> Value {
    match node {
        Node::Leaf(v) => v.clone(),
        Node::Obj(m) => Value::Object(obj_json(m)),
        Node::List(items) => Value::Array(items.iter().map(node_json).collect()),
    }
}

fn flatten(key: &str, node: &Node, out: &mut Vec<(String, String)>) {
    match node {
        Node::Leaf(Value::String(s)) => out.push((key.to_string(), s.clone())),
        Node::Leaf(Value::Null) => out.push((key.to_string(), String::new())),
        Node::Leaf(v) => out.push((key.to_string(), v.to_string())),
        Node::Obj(members) => {
            for (k, n) in members {
                flatten(&format!("{key}.{k}"), n, out);
            }
        }
        Node::List(items) => {
            for n in items {
                flatten(key, n, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(raw: &[&str], typed: &[&str]) -> Result<Fields> {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let mut read = |path: &str| Ok(format!("<{path}>"));
        Fields::parse(&own(raw), &own(typed), &mut read)
    }

    #[test]
    fn typed_fields_are_json_values_and_raw_ones_strings() {
        let f = parse(
            &["n=5", "s=@x"],
            &[
                "a=5", "b=true", "c=null", "d=1.5", "e=@f.txt", "g=+1", "h=x",
            ],
        )
        .unwrap();
        assert_eq!(
            f.to_json(),
            json!({"n": "5", "s": "@x", "a": 5, "b": true, "c": null, "d": 1.5, "e": "<f.txt>", "g": "+1", "h": "x"})
        );
    }

    #[test]
    fn nested_keys_build_objects_and_lists_as_gh_does() {
        let f = parse(
            &[
                "name=x",
                "parents[]=appDataFolder",
                "labels[][name]=a",
                "labels[][color]=red",
                "labels[][name]=b",
                "meta[owner][id]=7",
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            f.to_json(),
            json!({"name": "x", "parents": ["appDataFolder"], "labels": [{"name": "a", "color": "red"}, {"name": "b"}], "meta": {"owner": {"id": "7"}}})
        );
    }

    #[test]
    fn the_query_uses_googles_dotted_paths_and_repeats_list_keys() {
        let f = parse(
            &[
                "personFields=names",
                "ids[]=a",
                "ids[]=b",
                "requestMask[includeField]=person.names",
            ],
            &["pageSize=2"],
        )
        .unwrap();
        assert_eq!(
            f.to_query(),
            vec![
                ("personFields".into(), "names".into()),
                ("ids".into(), "a".into()),
                ("ids".into(), "b".into()),
                ("requestMask.includeField".into(), "person.names".into()),
                ("pageSize".into(), "2".into()),
            ]
        );
    }

    #[test]
    fn malformed_and_conflicting_fields_are_usage_errors() {
        for (raw, typed) in [
            (vec!["novalue"], vec![]),
            (vec!["=x"], vec![]),
            (vec!["a[b=x"], vec![]),
            (vec!["a]=x"], vec![]),
            (vec!["a=1", "a=2"], vec![]),
            (vec!["a=1", "a[b]=2"], vec![]),
            (vec!["a[]=1", "a[b]=2"], vec![]),
            (
                vec![Box::leak(
                    format!("k{}=1", "[a]".repeat(10_000)).into_boxed_str(),
                )],
                vec![],
            ),
        ] {
            let e = parse(&raw, &typed).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{raw:?}");
        }
    }
}
