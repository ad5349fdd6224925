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

#[derive(Debug)]
pub struct Param {
    /// The name on the wire, as the vendor documents it (`DagInstanceId`).
    pub wire: &'static str,
    /// The JS name (`dagInstanceId`).
    pub camel: &'static str,
    pub kind: Kind,
    pub required: bool,
}

#[derive(Debug)]
pub struct Operation {
    /// The wire action (`StopTaskFlowInstance`).
    pub action: &'static str,
    /// The JS method name (`stopTaskFlowInstance`).
    pub method: &'static str,
    pub params: &'static [Param],
    /// The documented response fields (ErrorCode/ErrorMessage left out), for the result.
    pub response: &'static [Field],
}

/// A documented response field.
#[derive(Debug)]
pub struct Field {
    pub wire: &'static str,
    pub camel: &'static str,
    pub shape: Shape,
}

/// What a response field holds, and so how the result shows it.
#[derive(Debug)]
pub enum Shape {
    /// An int64 id: always a string in the result, never a lossy float.
    Id,
    /// Any other number: a JS number (a string if it is an integer JS cannot hold exactly).
    Number,
    String,
    Boolean,
    Object(&'static [Field]),
    Array(&'static Shape),
    /// A vendor wrapper `{ Inner: [...] }`: the result shows the list itself.
    Wrapped(&'static str, &'static Shape),
}

pub use crate::operations_table::OPERATIONS;

/// Looks up an operation by its wire action name. The table is sorted by action.
pub fn by_action(action: &str) -> Option<&'static Operation> {
    OPERATIONS
        .binary_search_by(|op| op.action.cmp(action))
        .ok()
        .and_then(|index| OPERATIONS.get(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert_eq!(OPERATIONS.len(), 52);
        assert!(OPERATIONS.windows(2).all(|pair| pair[0].action < pair[1].action));
    }

    #[test]
    fn stop_and_resume_rows() {
        let stop = by_action("StopTaskFlowInstance").unwrap();
        assert_eq!(stop.method, "stopTaskFlowInstance");
        let names: Vec<_> = stop.params.iter().map(|p| (p.wire, p.camel, p.kind, p.required)).collect();
        assert_eq!(
            names,
            [
                ("DagId", "dagId", Kind::Id, true),
                ("DagInstanceId", "dagInstanceId", Kind::Id, true),
                ("Tid", "tid", Kind::Id, false)
            ]
        );
        let resume = by_action("ResumeTaskFlowInstance").unwrap();
        let version = resume.params.iter().find(|p| p.wire == "DagVersion").unwrap();
        assert_eq!((version.kind, version.required), (Kind::String, true));
    }

    #[test]
    fn unknown_action() {
        assert!(by_action("DescribeRegions").is_none());
        assert!(by_action("").is_none());
    }
}
