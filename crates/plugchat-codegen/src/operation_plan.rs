//! Everything the generators read about one operation, worked out once.
//!
//! The client method, the test dispatcher's arm, the decode arm and the API surface all need
//! the operation's names, its success response and that response's shape, the builder's
//! parameters and the types they resolve to. Each used to compute them itself; now
//! [`OperationPlan::new`] does, and every emitter reads the plan (as progenitor's method
//! generator reads one `OperationMethod`).

use std::cell::OnceCell;

use plugchat_model::{Operation, Page, ParamLocation, Response};

use crate::objects::TypeResolver;
use crate::params::{Param, params};
use crate::plan::OperationNames;
use crate::responses::{ResponseShape, ResponseType, response_shape, response_type};
use crate::types::RustType;

/// One operation, planned.
pub(crate) struct OperationPlan<'s> {
    pub(crate) page: &'s Page,
    pub(crate) operation: &'s Operation,
    pub(crate) names: &'s OperationNames,
    /// The first 2xx response: the one `send()` decodes.
    pub(crate) success: Option<&'s Response>,
    /// What it decodes into; `None` for untyped JSON.
    pub(crate) shape: Option<ResponseShape>,
    /// Request types (sub-tables, enums) named and defined as parameters resolve them.
    pub(crate) resolver: TypeResolver<'s>,
    /// The builder's parameters, fixed values included, in signature order.
    pub(crate) params: Vec<Param>,
    /// The response's Rust type and definition: tokens, built on first use (the surface
    /// never needs them).
    response: OnceCell<ResponseType>,
}

impl<'s> OperationPlan<'s> {
    pub(crate) fn new(page: &'s Page, operation: &'s Operation, names: &'s OperationNames) -> Self {
        let success = operation.success_response();
        let resolver = TypeResolver::new(names, operation);
        let params = params(operation, &resolver);
        OperationPlan {
            page,
            operation,
            names,
            success,
            shape: success.and_then(response_shape),
            resolver,
            params,
            response: OnceCell::new(),
        }
    }

    /// The `page` and `pageSize` parameters of a paginated list, which get a page stream
    /// (`<method>_stream`) and `--all` in the CLI: query parameters whose names read `page` and
    /// `pagesize` in letters and digits (`pageSize`, `page_size`), both integers, on an
    /// operation whose success answer is a list. The one place this is decided.
    pub(crate) fn pages(&self) -> Option<(&Param, &Param)> {
        let find = |key: &str| {
            self.params.iter().find(|p| p.place == ParamLocation::Query && crate::names::key(&p.wire_name) == key)
        };
        let (page, size) = (find("page")?, find("pagesize")?);
        let integers = page.ty == RustType::I64 && size.ty == RustType::I64;
        (integers && self.shape.as_ref().is_some_and(|shape| shape.is_list)).then_some((page, size))
    }

    /// The success response's Rust type.
    pub(crate) fn response(&self) -> &ResponseType {
        self.response.get_or_init(|| response_type(self.names, self.success, self.shape.as_ref()))
    }
}
