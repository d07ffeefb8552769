"""Calls every documented operation through a Python client generated from the OpenAPI document.

Run by `cargo xtask interop` (which generates the client with openapi-python-client and starts
plugchat-mock); by hand:

    python interop/call_every_operation.py --document openapi.json --client DIR --base-url URL

For each page the document describes (an operation, or each page of `x-plugchat-pages` when
several pages share one endpoint), the script finds the generated function of its operation,
fills it with the page's documented example values (the request body's example, the parameters'
`example`s; a required value without one gets the placeholder the Rust client's rustdoc example
uses: "example", false, 1 or the first allowed value), calls it against the server with
`raise_on_unexpected_status`, and checks the answer: a documented status, and, where the document
gives the answer a schema, a decoded value (not None) of the generated type.

Nothing here knows the API: every name comes from the document and the generated package.
Prints one line per page and `N passed, N failed` at the end; exits 1 if any page failed.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import pkgutil
import re
import sys
import traceback
import types
import typing
from pathlib import Path


def key(name: str) -> str:
    """Letters and digits, lower case: how names are compared across the document and Python."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def load_client(client_dir: Path):
    """The generated package inside `client_dir` (the one holding `client.py` and `api/`)."""
    packages = [p.parent for p in client_dir.glob("*/client.py") if (p.parent / "api").is_dir()]
    if len(packages) != 1:
        sys.exit(f"expected one generated package in {client_dir}, found {packages}")
    sys.path.insert(0, str(client_dir))
    return importlib.import_module(packages[0].name)


def operation_modules(package) -> dict[str, types.ModuleType]:
    """Every module under `<package>.api`, by the key of its name (the operation id's)."""
    api = importlib.import_module(f"{package.__name__}.api")
    modules = {}
    for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sync_detailed"):
            modules[key(info.name.rsplit(".", 1)[1])] = module
    return modules


def placeholder(schema: dict):
    """A value for a required parameter no example shows, as the Rust rustdoc examples choose."""
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "boolean" in kinds:
        return False
    if "integer" in kinds or "number" in kinds:
        return 1
    return "example"


def alternatives(annotation) -> list:
    """The classes of a (possibly union) annotation that can be built from a dict."""
    args = typing.get_args(annotation)
    candidates = args if args else (annotation,)
    return [c for c in candidates if inspect.isclass(c) and hasattr(c, "from_dict")]


def body_value(annotation, page_id: str, example):
    """The generated body object of a page's example: for a union (pages sharing an endpoint),
    the alternative named after the page."""
    classes = alternatives(annotation)
    if not classes:
        return example
    named = [c for c in classes if key(c.__name__).endswith(key(page_id))]
    chosen = named[0] if named else classes[0]
    return chosen.from_dict(example)


def pages_of(operation: dict) -> list[str]:
    return operation.get("x-plugchat-pages") or [operation["operationId"]]


def page_body_example(operation: dict, page_id: str):
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return None
    if "example" in media:
        return media["example"]
    example = media.get("examples", {}).get(page_id)
    if example is not None:
        return example["value"]
    # A page sharing an endpoint without its own body example: an empty object.
    return {}


def success_schema(operation: dict):
    """The status pattern and schema of the documented success answer (None: no body)."""
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            return status, response.get("content", {}).get("application/json", {}).get("schema")
    return None, None


def call_page(package, module, operation: dict, page_id: str, base_url: str, token: str) -> str:
    """Calls one page's operation; returns a short description of the answer or raises."""
    errors = importlib.import_module(f"{package.__name__}.errors")
    client = package.AuthenticatedClient(base_url=base_url, token=token, prefix="", raise_on_unexpected_status=True)
    signature = inspect.signature(module.sync_detailed)
    hints = typing.get_type_hints(module.sync_detailed)
    arguments = {}
    for parameter in operation.get("parameters", []):
        # openapi-python-client suffixes a name that clashes with its own (`url` → `url_query`).
        wanted = {key(parameter["name"]), key(parameter["name"] + parameter["in"])}
        python_name = next((n for n in signature.parameters if key(n) in wanted), None)
        if python_name is None:
            raise AssertionError(f"the generated function has no argument for parameter `{parameter['name']}`")
        if "example" in parameter:
            arguments[python_name] = parameter["example"]
        elif parameter.get("required"):
            arguments[python_name] = placeholder(parameter.get("schema", {}))
    example = page_body_example(operation, page_id)
    if example is not None:
        if "body" not in signature.parameters:
            raise AssertionError("the document has a request body but the generated function takes none")
        arguments["body"] = body_value(hints["body"], page_id, example)
    try:
        response = module.sync_detailed(client=client, **arguments)
    except errors.UnexpectedStatus as error:
        raise AssertionError(f"UnexpectedStatus {error.status_code}: {error.content[:300]!r}") from None
    status, schema = success_schema(operation)
    code = int(response.status_code)
    if status is None or not (status == str(code) or (status.endswith("XX") and status[0] == str(code)[0])):
        raise AssertionError(f"answered {code}, documented success {status}: {response.content[:300]!r}")
    if schema is None:
        return f"{code}, no body documented"
    if not any(k in schema for k in ("type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const")):
        # Untyped JSON (the generated code returns None for it): the body must still be JSON.
        if response.content.strip():
            json.loads(response.content)
        return f"{code}, untyped JSON {response.content[:40]!r}"
    if response.parsed is None:
        raise AssertionError(f"answered {code} but the client decoded None: {response.content[:300]!r}")
    parsed = response.parsed
    kind = f"list of {len(parsed)} {type(parsed[0]).__name__ if parsed else 'items'}" if isinstance(parsed, list) else type(parsed).__name__
    return f"{code}, decoded {kind}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--document", type=Path, required=True, help="the OpenAPI document")
    parser.add_argument("--client", type=Path, required=True, help="the directory openapi-python-client wrote")
    parser.add_argument("--base-url", required=True, help="the server's base URL (the mock's)")
    parser.add_argument("--token", default="interop-token", help="the Authorization header's value")
    args = parser.parse_args()

    document = json.loads(args.document.read_text())
    package = load_client(args.client)
    modules = operation_modules(package)
    passed, failed = 0, []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            module = modules.get(key(operation["operationId"]))
            for page_id in pages_of(operation):
                where = f"{method.upper()} {path} ({page_id})"
                if module is None:
                    failed.append(f"{where}: not generated")
                    print(f"FAIL {where}: not generated")
                    continue
                try:
                    outcome = call_page(package, module, operation, page_id, args.base_url, args.token)
                except Exception as error:  # every failure is reported, the run goes on
                    message = str(error) or traceback.format_exc(limit=3)
                    failed.append(f"{where}: {message}")
                    print(f"FAIL {where}: {message}")
                    continue
                passed += 1
                print(f"ok   {where}: {outcome}")
    total = passed + len(failed)
    print(f"\n{passed} of {total} pages generated and called successfully")
    print(f"{passed} passed, {len(failed)} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
