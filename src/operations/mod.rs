//! The task-flow operations as data: one row per operation, generated from
//! `spec/taskflow-operations.json` by `scripts/gen-operations.mjs`. Validation, request
//! building, TypeScript types and docs all read the same rows.


/// How a parameter's value is checked and written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An int64 id (`Tid`, `DagId`, ...): a non-negative integer.
    Id,
    /// Any other integer (`PageSize`, `Status`, ...): any int64.
    Integer,
    /// A non-blank string.
    String,
    /// `true` or `false`.
    Boolean,
    /// An array or object sent as one JSON-string parameter (`Edges`, `DagIdList`, ...).
    Json,
}

/// A parameter of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The name on the wire, as the vendor documents it (`DagInstanceId`); the JS name is
    /// its camelCase (`dagInstanceId`, `results::camel_case`).
    pub wire: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// For `Kind::Json`, the value's shape (an array of ids, strings, or objects with named
    /// fields), whose object keys are mapped to wire names; `None` for other kinds.
    pub shape: Option<Shape>,
}

/// One operation of the table: a generated row of text (`src/operations/table.rs`),
///
/// ```text
/// row      = action "(" param* ")" field*          StopTaskFlowInstance(#DagId#DagInstanceId*#Tid)
/// param    = ["*" (optional)] kind name [shape]     kind: # Id, % Integer, $ String, ? Boolean, & Json
///                                                   (a shape follows a Json parameter's name)
/// field    = name shape                             a documented response field
/// shape    = "#" Id | "%" Number | "$" String | "?" Boolean
///          | "{" field* "}"                         an object
///          | "[" shape                              an array of shape
///          | "<" name shape                         a vendor wrapper { name: [shape] }
/// ```
///
/// `Edges[{NodeFrom#NodeEnd#}` is a JSON parameter whose value is an array of objects with
/// two id fields. Names are ASCII letters and digits. Text rather than structs of `&'static str`: the
/// table is a third of the wasm bytes it was, and reading it costs a scan of a few bytes.
/// `RequestId` and `Success`, in every answer, are left out (`results` knows them).
#[derive(Debug)]
pub struct Operation(pub(crate) &'static str);

impl Operation {
    /// The wire action (`StopTaskFlowInstance`).
    pub fn action(&self) -> &'static str {
        split_name(self.0).0
    }

    /// The JS method name (`stopTaskFlowInstance`).
    pub fn method(&self) -> String {
        crate::response::results::camel_case(self.action())
    }

    pub fn params(&self) -> Params {
        Params(split_name(self.0).1.get(1..).unwrap_or(""))
    }

    /// The documented response fields (besides RequestId and Success), for the result.
    pub fn response(&self) -> Fields {
        let rest = split_name(self.0).1;
        let end = rest.bytes().position(|b| b == b')').map_or(rest.len(), |at| at + 1);
        Fields(rest.get(end..).unwrap_or(""))
    }
}

/// `text` split where its leading name (ASCII letters and digits) ends.
///
/// A plain loop: every lookup and parameter check runs it, and in the size-optimized build
/// `position` with a closure stays an out-of-line iterator call.
fn split_name(text: &'static str) -> (&'static str, &'static str) {
    let bytes = text.as_bytes();
    let mut end = 0;
    while let Some(byte) = bytes.get(end) {
        if !byte.is_ascii_alphanumeric() {
            break;
        }
        end += 1;
    }
    // ASCII before `end`: a char boundary.
    text.split_at_checked(end).unwrap_or((text, ""))
}

/// The parameters of an operation, in table order.
#[derive(Debug, Clone)]
pub struct Params(&'static str);

impl Iterator for Params {
    type Item = Param;

    fn next(&mut self) -> Option<Param> {
        let optional = self.0.starts_with('*');
        let rest = if optional { self.0.get(1..)? } else { self.0 };
        let kind = match rest.as_bytes().first()? {
            b'#' => Kind::Id,
            b'%' => Kind::Integer,
            b'$' => Kind::String,
            b'?' => Kind::Boolean,
            b'&' => Kind::Json,
            _ => return None, // `)`: the end of the list
        };
        let (wire, mut rest) = split_name(rest.get(1..)?);
        let mut shape = None;
        if kind == Kind::Json {
            let (read, after) = Shape::read(rest)?;
            (shape, rest) = (Some(read), after);
        }
        self.0 = rest;
        Some(Param { wire, kind, required: !optional, shape })
    }
}

/// What a response field (or a JSON parameter's item) holds, and so how the result shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An int64 id: always a string in the result, never a lossy float.
    Id,
    /// Any other number: a JS number (a string if it is an integer JS cannot hold exactly).
    Number,
    String,
    Boolean,
    Object(Fields),
    /// An array; the element's shape is `Shape::read` of this text.
    Array(&'static str),
    /// A vendor wrapper `{ Inner: [...] }`: the result shows the list itself. The element's
    /// shape is `Shape::read` of the text.
    Wrapped(&'static str, &'static str),
}

impl Shape {
    /// The shape at the start of `text`, and the text after it.
    pub fn read(text: &'static str) -> Option<(Shape, &'static str)> {
        let rest = text.get(1..)?;
        Some(match text.as_bytes().first()? {
            b'#' => (Shape::Id, rest),
            b'%' => (Shape::Number, rest),
            b'$' => (Shape::String, rest),
            b'?' => (Shape::Boolean, rest),
            b'{' => {
                let mut fields = Fields(rest);
                while fields.next().is_some() {}
                (Shape::Object(Fields(rest)), fields.0.get(1..)?)
            }
            b'[' => (Shape::Array(rest), Shape::read(rest)?.1),
            b'<' => {
                let (inner, element) = split_name(rest);
                (Shape::Wrapped(inner, element), Shape::read(element)?.1)
            }
            _ => return None,
        })
    }
}

/// The documented fields of a response or an object: `(wire name, shape)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields(&'static str);

impl Fields {
    /// The shape of the field named `name`.
    pub fn find(self, name: &str) -> Option<Shape> {
        self.each().find(|(wire, _)| *wire == name).map(|(_, shape)| shape)
    }

    /// Every field, in table order.
    pub fn each(self) -> impl Iterator<Item = (&'static str, Shape)> {
        let mut fields = self;
        core::iter::from_fn(move || fields.next())
    }

    fn next(&mut self) -> Option<(&'static str, Shape)> {
        let (name, rest) = split_name(self.0);
        if name.is_empty() {
            return None; // `}` or the end
        }
        let (shape, rest) = Shape::read(rest)?;
        self.0 = rest;
        Some((name, shape))
    }
}

mod table;
pub use table::OPERATIONS;

/// Looks up an operation by its wire action name. The table is sorted by action.
pub fn by_action(action: &str) -> Option<&'static Operation> {
    OPERATIONS
        .binary_search_by(|op| compare_action(op.0, action))
        .ok()
        .and_then(|index| OPERATIONS.get(index))
}

/// `row`'s action (its leading name) compared with `action`, byte by byte in one pass: the
/// same order as `split_name(row).0.cmp(action)`, without finding the name's end first.
fn compare_action(row: &str, action: &str) -> core::cmp::Ordering {
    let (row, action) = (row.as_bytes(), action.as_bytes());
    let mut at = 0;
    loop {
        let ours = row.get(at).filter(|byte| byte.is_ascii_alphanumeric());
        match (ours, action.get(at)) {
            (Some(a), Some(b)) if a == b => at += 1,
            (ours, theirs) => return ours.cmp(&theirs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert_eq!(OPERATIONS.len(), 52);
        assert!(OPERATIONS.windows(2).all(|pair| pair[0].action() < pair[1].action()));
    }

    #[test]
    fn stop_and_resume_rows() {
        let stop = by_action("StopTaskFlowInstance").unwrap();
        assert_eq!(stop.method(), "stopTaskFlowInstance");
        let names: Vec<_> = stop.params().map(|p| (p.wire, p.kind, p.required)).collect();
        assert!(stop.params().all(|p| p.shape.is_none()));
        assert_eq!(names, [("DagId", Kind::Id, true), ("DagInstanceId", Kind::Id, true), ("Tid", Kind::Id, false)]);
        assert!(stop.response().find("RequestId").is_none(), "implicit");
        let resume = by_action("ResumeTaskFlowInstance").unwrap();
        let version = resume.params().find(|p| p.wire == "DagVersion").unwrap();
        assert_eq!((version.kind, version.required), (Kind::String, true));
    }

    #[test]
    fn every_row_reads_completely() {
        let mut params = 0;
        for op in OPERATIONS {
            let action = op.action();
            assert!(!action.is_empty());
            let mut rest = op.0.strip_prefix(action).unwrap().strip_prefix('(').unwrap();
            for param in op.params() {
                params += 1;
                let code = match param.kind {
                    Kind::Id => "#",
                    Kind::Integer => "%",
                    Kind::String => "$",
                    Kind::Boolean => "?",
                    Kind::Json => "&",
                };
                let optional = if param.required { "" } else { "*" };
                rest = rest.strip_prefix(&format!("{optional}{code}{}", param.wire)).unwrap();
                if param.kind == Kind::Json {
                    rest = Shape::read(rest).unwrap().1;
                }
            }
            let mut fields = op.response();
            assert_eq!(rest.strip_prefix(')'), Some(fields.0), "{action}");
            while fields.next().is_some() {}
            assert_eq!(fields.0, "", "{action}: unread response text");
        }
        assert_eq!(params, 182);
    }

    /// The JS names the generator wrote into the TypeScript types, and those DmsClient makes
    /// from js/operation-actions.mjs (the action, first letter lower-cased), are the ones the
    /// table's readers derive (`camel_case`), for every method and parameter.
    #[test]
    fn camel_names_agree_with_the_generated_types() {
        let types = include_str!("../../types/operations.d.ts");
        let actions = include_str!("../../js/operation-actions.mjs");
        let listed = actions.split_once("OPERATION_ACTIONS = '").unwrap().1.split_once('\'').unwrap().0;
        assert_eq!(listed, OPERATIONS.iter().map(Operation::action).collect::<Vec<_>>().join("\\0"));
        for op in OPERATIONS {
            let action = op.action();
            assert_eq!(op.method(), format!("{}{}", action[..1].to_ascii_lowercase(), &action[1..]), "js/client.mjs's naming rule");
            assert!(types.contains(&format!("\n  {}(params: {action}Params,", op.method())), "{action}");
            let start = types.find(&format!("export interface {action}Params {{\n")).unwrap();
            let block = types[start..].split_once("{\n").unwrap().1.split_once("\n}").unwrap().0;
            let declared: Vec<&str> = block.lines().filter_map(|line| line.trim().split_once(':')).map(|(name, _)| name.trim_end_matches('?')).collect();
            let derived: Vec<String> = op.params().map(|p| crate::response::results::camel_case(p.wire)).collect();
            assert_eq!(declared, derived, "{action}");
            for (param, camel) in op.params().zip(&derived) {
                assert!(param.is_named(camel, crate::request::params::Naming::Camel) && !param.is_named(camel, crate::request::params::Naming::Wire));
            }
        }
    }

    #[test]
    fn nested_shapes() {
        let op = by_action("ListTaskFlowInstance").unwrap();
        let Some(Shape::Wrapped("DAGInstance", element)) = op.response().find("DAGInstanceList") else { panic!() };
        let Some((Shape::Object(fields), "TotalCount%")) = Shape::read(element) else { panic!() };
        assert!(matches!(fields.find("Id"), Some(Shape::Id)));
        assert!(matches!(fields.find("startTime"), Some(Shape::String)));
        assert!(fields.find("TotalCount").is_none(), "a field of the outer object");
        assert!(matches!(op.response().find("TotalCount"), Some(Shape::Number)));
        assert!(Shape::read("[{A#").is_none(), "unterminated");
    }

    #[test]
    fn json_parameter_shapes() {
        let edges = by_action("AddTaskFlowEdges").unwrap().params().find(|p| p.wire == "Edges").unwrap();
        let Some(Shape::Array(element)) = edges.shape else { panic!() };
        let Some((Shape::Object(fields), _)) = Shape::read(element) else { panic!() };
        assert!(matches!(fields.find("NodeFrom"), Some(Shape::Id)));
        assert!(matches!(fields.find("NodeEnd"), Some(Shape::Id)));
        let members = by_action("AddLhMembers").unwrap().params().find(|p| p.wire == "Members").unwrap();
        let Some(Shape::Array(element)) = members.shape else { panic!() };
        let Some((Shape::Object(fields), _)) = Shape::read(element) else { panic!() };
        let Some(Shape::Array(roles)) = fields.find("Roles") else { panic!() };
        assert!(matches!(Shape::read(roles), Some((Shape::String, _))));
        let ids = by_action("DeleteLhMembers").unwrap().params().find(|p| p.wire == "MemberIds").unwrap();
        let Some(Shape::Array(element)) = ids.shape else { panic!() };
        assert!(matches!(Shape::read(element), Some((Shape::Id, _))));
        assert_eq!(by_action("DeleteLhMembers").unwrap().params().count(), 4, "the shape ends before the next parameter");
    }

    #[test]
    fn action_comparison_is_the_names_order() {
        let names = ["", "A", "Stop", "StopTaskFlowInstance", "StopTaskFlowInstanceX", "Stop(", "Stop#", "stop", "Z9", "\u{e9}"];
        for op in OPERATIONS.iter().chain([&Operation("Stop(#DagId)"), &Operation("A()"), &Operation("")]) {
            for name in names.iter().copied().chain(OPERATIONS.iter().map(|op| op.action())) {
                assert_eq!(compare_action(op.0, name), op.action().cmp(name), "{} vs {name}", op.0);
            }
        }
    }

    #[test]
    fn unknown_action() {
        assert!(by_action("DescribeRegions").is_none());
        assert!(by_action("").is_none());
    }
}
