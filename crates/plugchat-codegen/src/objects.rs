//! Request types beyond scalars: enums for attributes with allowed values, and structs for
//! the objects that sub-tables describe (`buttonList` → `### Button List`).

use std::cell::RefCell;
use std::collections::BTreeMap;

use plugchat_model::{Attribute, ObjectType, Operation, Tipo};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

use crate::docs::doc_lines;
use crate::names::Unique;
use crate::plan::OperationNames;
use crate::types::RustType;

/// The sub-table a struct field holds inline: one its Tipo names, not in a list (`Vec` is
/// already a pointer) and not an enum.
fn held_inline<'o>(operation: &'o Operation, field: &Attribute) -> Option<&'o ObjectType> {
    let tipo = field.tipo();
    if field.allowed_values.len() >= 2 || matches!(tipo, Tipo::List(_)) {
        return None;
    }
    operation.object_named(&tipo)
}

/// Whether `field` of `object`'s struct leads back to that struct through fields held inline
/// (`### Node` with `child | node`, or `A` → `B` → `A`): the struct would contain itself and
/// have no size, so such a field is boxed. Every field on such a cycle is boxed, whichever
/// struct is emitted first.
fn is_recursive(operation: &Operation, object: &ObjectType, field: &Attribute) -> bool {
    let mut seen: Vec<&ObjectType> = Vec::new();
    let mut next: Vec<&ObjectType> = held_inline(operation, field).into_iter().collect();
    while let Some(current) = next.pop() {
        if std::ptr::eq(current, object) {
            return true;
        }
        if seen.iter().any(|s| std::ptr::eq(*s, current)) {
            continue;
        }
        seen.push(current);
        next.extend(current.required.iter().chain(&current.optional).filter_map(|f| held_inline(operation, f)));
    }
    false
}

/// Resolves attribute types of one operation, collecting the definitions they need.
pub(crate) struct TypeResolver<'a> {
    names: &'a OperationNames,
    operation: &'a Operation,
    /// Definitions by type name, so each is emitted once.
    definitions: RefCell<BTreeMap<String, TokenStream>>,
    /// What each generated name stands for, for the API surface. (Owned, not borrowed from
    /// the operation: a `RefCell` of borrows would make the resolver's lifetime invariant.)
    named: RefCell<BTreeMap<String, Named>>,
}

/// What a generated type name stands for.
#[derive(Clone)]
pub(crate) enum Named {
    /// An enum of these wire values.
    Enum(Vec<String>),
    /// The struct of the sub-table at this index of the operation's `objects`.
    Object(usize),
}

impl<'a> TypeResolver<'a> {
    pub(crate) fn new(names: &'a OperationNames, operation: &'a Operation) -> Self {
        TypeResolver { names, operation, definitions: RefCell::default(), named: RefCell::default() }
    }

    /// What the generated type `name` (from [`TypeResolver::attribute_type`]) stands for.
    pub(crate) fn named(&self, name: &str) -> Option<Named> {
        self.named.borrow().get(name).cloned()
    }

    /// The sub-table [`Named::Object`] refers to.
    pub(crate) fn object(&self, index: usize) -> Option<&'a ObjectType> {
        self.operation.objects.get(index)
    }

    /// The definitions collected so far.
    pub(crate) fn definitions(&self) -> TokenStream {
        let definitions = self.definitions.borrow();
        let items = definitions.values();
        quote!(#(#items)*)
    }

    /// The Rust type of `attribute`: an enum when it lists allowed values, the struct of the
    /// object its Tipo names, or a scalar.
    pub(crate) fn attribute_type(&self, attribute: &Attribute) -> RustType {
        if attribute.allowed_values.len() >= 2 {
            let name = self.names.enumeration(attribute);
            self.named.borrow_mut().insert(name.to_string(), Named::Enum(attribute.allowed_values.clone()));
            self.define_enum(&name, attribute);
            return RustType::Named(name);
        }
        let tipo = attribute.tipo();
        if let Some(object) = self.operation.object_named(&tipo) {
            let name = self.names.object(object);
            if let Some(index) = self.operation.objects.iter().position(|o| std::ptr::eq(o, object)) {
                self.named.borrow_mut().insert(name.to_string(), Named::Object(index));
            }
            self.define_struct(&name, object);
            let named = RustType::Named(name);
            return if matches!(tipo, Tipo::List(_)) { RustType::Vec(Box::new(named)) } else { named };
        }
        RustType::of_tipo_or_value(&tipo)
    }

    fn define_enum(&self, name: &Ident, attribute: &Attribute) {
        if self.definitions.borrow().contains_key(&name.to_string()) {
            return;
        }
        let mut seen = Unique::default();
        let variants: Vec<(Ident, &String)> =
            attribute.allowed_values.iter().map(|value| (seen.camel("", value), value)).collect();
        let declared = variants.iter().map(|(ident, value)| {
            let doc = format!(" `{value}`");
            quote!(#[doc = #doc] #[serde(rename = #value)] #ident,)
        });
        let arms = variants.iter().map(|(ident, value)| quote!(#name::#ident => #value,));
        let doc = doc_lines(&format!("Values of `{}`: {}", attribute.name, attribute.description));
        let definition = quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::plugchat_runtime::__private::serde::Serialize, ::plugchat_runtime::__private::serde::Deserialize)]
            #[serde(crate = "::plugchat_runtime::__private::serde")]
            pub enum #name {
                #(#declared)*
            }

            impl #name {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &'static str {
                    match self {
                        #(#arms)*
                    }
                }
            }

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        };
        self.definitions.borrow_mut().insert(name.to_string(), definition);
    }

    fn define_struct(&self, name: &Ident, object: &ObjectType) {
        if self.definitions.borrow().contains_key(&name.to_string()) {
            return;
        }
        // Reserve the name first: an object may (wrongly) name itself in a field.
        self.definitions.borrow_mut().insert(name.to_string(), TokenStream::new());
        // Field names unique after case conversion (`id`, `ID`, `Id`); wire names kept.
        let mut unique = Unique::default();
        let idents: Vec<Ident> =
            object.required.iter().chain(&object.optional).map(|f| unique.snake(&f.name)).collect();
        let ident_of = |field: &Attribute| {
            let position = object.required.iter().chain(&object.optional).position(|f| std::ptr::eq(f, field));
            idents[position.expect("a field of the object")].clone()
        };
        let boxed = |field: &Attribute| is_recursive(self.operation, object, field);
        let fields = object.required.iter().map(|f| (f, true)).chain(object.optional.iter().map(|f| (f, false))).map(
            |(field, required)| {
                let ident = ident_of(field);
                let wire = &field.name;
                let ty = self.attribute_type(field);
                let ty = if boxed(field) { quote!(::std::boxed::Box<#ty>) } else { quote!(#ty) };
                let docs = doc_lines(&field.description);
                if required {
                    quote!(#docs #[serde(rename = #wire)] pub #ident: #ty,)
                } else {
                    quote! {
                        #docs
                        #[serde(rename = #wire, default, skip_serializing_if = "::core::option::Option::is_none")]
                        pub #ident: ::core::option::Option<#ty>,
                    }
                }
            },
        );
        // `new(required...)`: optional fields start as `None`, so callers name only what they set.
        // A boxed field's argument is the value itself (the doc examples pass it so).
        let arguments = object.required.iter().map(|field| {
            let (ident, ty) = (ident_of(field), self.attribute_type(field));
            if ty == RustType::String { quote!(#ident: impl ::core::convert::Into<#ty>) } else { quote!(#ident: #ty) }
        });
        let initialisers = object.required.iter().map(|field| {
            let (ident, ty) = (ident_of(field), self.attribute_type(field));
            if ty == RustType::String {
                quote!(#ident: #ident.into(),)
            } else if boxed(field) {
                quote!(#ident: ::std::boxed::Box::new(#ident),)
            } else {
                quote!(#ident,)
            }
        });
        let optional = object.optional.iter().map(|field| {
            let ident = ident_of(field);
            quote!(#ident: ::core::option::Option::None,)
        });
        let doc = doc_lines(&format!("The object `{}` of the docs (a sub-table of the attributes).", object.name));
        let definition = quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, ::plugchat_runtime::__private::serde::Serialize, ::plugchat_runtime::__private::serde::Deserialize)]
            #[serde(crate = "::plugchat_runtime::__private::serde")]
            pub struct #name {
                #(#fields)*
            }

            impl #name {
                /// The object with its required fields; the optional ones start as `None`.
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#arguments),*) -> Self {
                    #name { #(#initialisers)* #(#optional)* }
                }
            }
        };
        self.definitions.borrow_mut().insert(name.to_string(), definition);
    }
}

#[cfg(test)]
mod tests {
    use plugchat_spec::{ParseOptions, parse_page};

    /// A sub-table holding itself (`Node.child`) or another that holds it back (`Branch.leaf`,
    /// `Leaf.parent`) is boxed, required or not; lists and sub-tables off the cycle are not.
    #[test]
    fn fields_on_a_cycle_of_sub_tables_are_boxed() {
        let table = |rows: &str| format!("| Attributes | Type | Description |\n| --- | --- | --- |\n{rows}\n");
        let text = format!(
            "---\nid: tree\ntitle: T\n---\n\n## Method\n\n`POST` https://api.example.test/v1/tree\n\n\
             ## Attributes\n\n### Required\n\n{}\n### Node\n\n{}\n### Opcionais Node\n\n{}\n\
             ### Meta\n\n{}\n### Branch\n\n{}\n### Leaf\n\n{}\n### Opcionais Leaf\n\n{}",
            table("| root | node | Top |\n| branch | branch | Other |"),
            table("| name | string | Name |\n| meta | meta | Off the cycle |"),
            table("| child | node | Below |\n| children | node[] | A list |"),
            table("| key | string | Key |"),
            table("| leaf | leaf | Back to the branch |"),
            table("| label | string | Label |"),
            table("| parent | branch | Its branch |"),
        );
        let (page, _) = parse_page("t/tree.md", &text, &ParseOptions::default());
        let operation = page.operation.as_ref().expect("an operation");
        let code: String =
            crate::generate_operation(&page, operation).to_string().chars().filter(|c| !c.is_whitespace()).collect();
        for field in [
            "pubchild:::core::option::Option<::std::boxed::Box<TreeNode>>",
            "publeaf:::std::boxed::Box<TreeLeaf>",
            "pubparent:::core::option::Option<::std::boxed::Box<TreeBranch>>",
            "pubchildren:::core::option::Option<::std::vec::Vec<TreeNode>>",
            "pubmeta:TreeMeta,",
            // `new` takes the value and boxes it.
            "pubfnnew(leaf:TreeLeaf)",
            "leaf:::std::boxed::Box::new(leaf)",
        ] {
            assert!(code.contains(field), "no `{field}` in {code}");
        }
    }
}
