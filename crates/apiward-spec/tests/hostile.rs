//! Hostile and broken documents: an error or diagnostics, never a panic or a hang.

use apiward_spec::{LoadOptions, Spec, load_bytes, load_path};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder `<tmp>/apiward-spec-<pid>-<n>/a/b` with the given files (relative to it).
fn folder(files: &[(&str, &[u8])]) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let root = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("apiward-spec-{}-{n}", std::process::id()));
    let dir = root.join("a/b");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, bytes).unwrap();
    }
    dir
}

fn load(dir: &Path, name: &str) -> Result<Spec, apiward_spec::LoadError> {
    let t = Instant::now();
    let r = load_path(&dir.join(name), &LoadOptions::default());
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "{name} took {:?}",
        t.elapsed()
    );
    r
}

fn codes(spec: &Spec) -> Vec<&str> {
    spec.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn yaml_alias_bomb() {
    let mut s = String::from(HEAD);
    s.push_str("x-bomb:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let p = w[0];
        s.push_str(&format!(
            "  {n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            n = w[1]
        ));
    }
    s.push_str("paths: {}\n");
    let d = folder(&[("bomb.yaml", s.as_bytes())]);
    let e = load(&d, "bomb.yaml").unwrap_err();
    assert!(e.message.contains("alias"), "{e}");
    assert!(e.line.is_some());
}

#[test]
fn ref_cycles_and_self_references() {
    let doc = r##"{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/a": {"get": {"responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
    "/self": {"$ref": "#/paths/~1self"},
    "/root": {"get": {"responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"$ref": "#"}}}}}}},
    "/node": {"get": {"responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}}}}
  },
  "components": {"schemas": {
    "A": {"$ref": "#/components/schemas/B"},
    "B": {"$ref": "#/components/schemas/A"},
    "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"},
             "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}
  }}
}"##;
    let d = folder(&[("cycles.json", doc.as_bytes())]);
    let spec = load(&d, "cycles.json").unwrap();
    assert!(
        codes(&spec).contains(&"spec.ref-cycle"),
        "{:?}",
        spec.diagnostics
    );
    let node = spec
        .schemas
        .iter()
        .position(|s| s.name.as_deref() == Some("Node"))
        .unwrap();
    let id = apiward_spec::SchemaId(node as u32);
    let n = spec.schema(id);
    // A structural cycle is a back-edge to the same id.
    assert_eq!(n.properties[0].schema, id);
    let paths: Vec<String> = spec
        .flatten_properties(id, 50)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(paths, ["next", "kids"]);
    assert!(spec.operations.iter().any(|o| o.path == "/node"));
}

#[test]
fn self_referencing_document() {
    let d = folder(&[("self.json", br##"{"$ref": "#"}"##)]);
    let e = load(&d, "self.json").unwrap_err();
    assert!(e.message.contains("not an API description"), "{e}");
}

#[test]
fn missing_pointer_names_file_and_line() {
    let doc = format!(
        "{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Nope'\n        '404':\n          description: no\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing%20One'\n"
    );
    let d = folder(&[("missing.yaml", doc.as_bytes())]);
    let spec = load(&d, "missing.yaml").unwrap();
    let missing: Vec<_> = spec
        .diagnostics
        .iter()
        .filter(|d| d.code == "spec.missing-ref")
        .collect();
    assert_eq!(missing.len(), 2, "{:?}", spec.diagnostics);
    assert!(
        missing[0]
            .file
            .as_deref()
            .unwrap()
            .ends_with("missing.yaml")
    );
    assert_eq!(missing[0].line, Some(8));
    assert_eq!(missing[1].line, Some(14));
    assert!(missing[1].message.contains("Missing%20One"));
    // The operation is still there, with the response that could be understood.
    assert_eq!(spec.operations[0].responses.len(), 1);
}

#[test]
fn refs_escaping_the_folder() {
    let doc = format!(
        "{HEAD}paths:\n  /x:\n    get:\n      responses:\n        '200':\n          $ref: '../../etc/passwd'\n        '201':\n          $ref: '../outside.yaml#/R'\n        '202':\n          $ref: '/etc/passwd#/x'\n"
    );
    let d = folder(&[("escape.yaml", doc.as_bytes())]);
    std::fs::write(
        d.parent().unwrap().join("outside.yaml"),
        "R: {description: secret}\n",
    )
    .unwrap();
    let spec = load(&d, "escape.yaml").unwrap();
    let c = codes(&spec);
    assert!(
        c.iter().filter(|c| **c == "spec.ref-outside-root").count() >= 2,
        "{:?}",
        spec.diagnostics
    );
    assert!(spec.documents.len() == 1);
    // Allowed explicitly, the sibling file is read.
    let opts = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let spec = load_path(&d.join("escape.yaml"), &opts).unwrap();
    assert!(
        spec.operations[0]
            .responses
            .iter()
            .any(|r| r.description.as_deref() == Some("secret"))
    );
}

#[test]
fn multi_file_refs_load_each_file_once() {
    let main = format!(
        "{HEAD}paths:\n  /u:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'models/user.yaml#/User'}}\n  /v:\n    get:\n      responses:\n        '200': {{$ref: 'models/user.yaml#/Resp'}}\n"
    );
    let user = "User:\n  type: object\n  properties:\n    email: {type: string, format: email}\n    friend: {$ref: '#/User'}\n    org: {$ref: 'org.yaml#/Org'}\nResp:\n  description: ok\n  content:\n    application/json:\n      schema: {$ref: '#/User'}\n";
    let org = "Org:\n  type: object\n  properties:\n    name: {type: string}\n    owner: {$ref: 'user.yaml#/User'}\n";
    let d = folder(&[
        ("main.yaml", main.as_bytes()),
        ("models/user.yaml", user.as_bytes()),
        ("models/org.yaml", org.as_bytes()),
    ]);
    let spec = load(&d, "main.yaml").unwrap();
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(spec.documents.len(), 3);
    assert_eq!(spec.documents[1].name, "models/user.yaml");
    let a = spec.operations[0].responses[0].content[0].schema.unwrap();
    let b = spec.operations[1].responses[0].content[0].schema.unwrap();
    assert_eq!(a, b);
    let user = spec.schema(a);
    assert_eq!(user.loc.doc, 1);
    assert_eq!(user.loc.line, 1); // the line of `User:`
    let paths: Vec<String> = spec
        .flatten_properties(a, 6)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert!(paths.contains(&"org.owner".to_string()), "{paths:?}");
}

#[test]
fn remote_refs_only_through_the_fetcher() {
    let doc = format!(
        "{HEAD}paths:\n  /r:\n    get:\n      responses:\n        '200': {{$ref: 'https://example.com/defs.yaml#/R'}}\n        '201': {{$ref: 'https://example.com/defs.yaml#/R'}}\n"
    );
    let d = folder(&[("remote.yaml", doc.as_bytes())]);
    let spec = load(&d, "remote.yaml").unwrap();
    assert!(codes(&spec).contains(&"spec.remote-ref-skipped"));
    assert_eq!(spec.external_refs.len(), 1);
    assert_eq!(spec.operations[0].responses.len(), 0);

    let calls = std::sync::Arc::new(AtomicUsize::new(0));
    let c2 = calls.clone();
    let opts = LoadOptions {
        fetch_remote: Some(Box::new(move |url: &str| {
            c2.fetch_add(1, Ordering::SeqCst);
            assert_eq!(url, "https://example.com/defs.yaml");
            Ok(b"R: {description: remote}\n".to_vec())
        })),
        ..LoadOptions::default()
    };
    let spec = load_path(&d.join("remote.yaml"), &opts).unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(spec.operations[0].responses.len(), 2);
    assert_eq!(spec.documents[1].name, "https://example.com/defs.yaml");
}

#[test]
fn deep_nesting() {
    let json = format!(
        "{{\"openapi\":\"3.0.0\",\"x\":{}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut yaml = String::from(HEAD);
    yaml.push_str("x:\n");
    for i in 1..10_000 {
        yaml.push_str(&" ".repeat(i));
        yaml.push_str("- \n");
    }
    let flow = format!("{HEAD}x: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let d = folder(&[
        ("deep.json", json.as_bytes()),
        ("deep.yaml", yaml.as_bytes()),
        ("flow.yaml", flow.as_bytes()),
    ]);
    for f in ["deep.json", "deep.yaml", "flow.yaml"] {
        let e = load(&d, f).unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }
}

#[test]
fn ref_chains_are_capped() {
    let mut s = String::from(HEAD);
    s.push_str("paths:\n  /x:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/r0'}\ncomponents:\n  responses:\n");
    for i in 0..200 {
        s.push_str(&format!(
            "    r{i}: {{$ref: '#/components/responses/r{}'}}\n",
            i + 1
        ));
    }
    s.push_str("    r200: {description: end}\n");
    let d = folder(&[("chain.yaml", s.as_bytes())]);
    let spec = load(&d, "chain.yaml").unwrap();
    assert!(
        codes(&spec).contains(&"spec.ref-too-deep"),
        "{:?}",
        spec.diagnostics
    );
}

#[test]
fn empty_binary_and_utf16_files() {
    let utf16: Vec<u8> = "{\"openapi\": \"3.0.0\"}"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let mut bom16 = vec![0xFF, 0xFE];
    bom16.extend(&utf16);
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    let d = folder(&[
        ("empty.yaml", b""),
        ("blank.json", b"  \n\n"),
        ("binary.json", &binary),
        ("utf16.json", &utf16),
        ("utf16bom.yaml", &bom16),
        ("nan.json", b"{\n\"openapi\": NaN}"),
        ("scalar.yaml", b"just a string\n"),
        ("array.json", b"[1,2]"),
        ("v4.yaml", b"openapi: 4.0.0\n"),
        ("asyncapi.yaml", b"asyncapi: 2.0.0\n"),
        ("badyaml.yaml", b"openapi: 3.0.0\n  bad: [\n"),
    ]);
    for (f, expect) in [
        ("empty.yaml", "empty"),
        ("blank.json", "empty"),
        ("binary.json", "UTF-8"),
        ("utf16.json", "UTF-16"),
        ("utf16bom.yaml", "UTF-16"),
        ("nan.json", "NaN"),
        ("scalar.yaml", "not an API description"),
        ("array.json", "not an API description"),
        ("v4.yaml", "unsupported OpenAPI version"),
        ("asyncapi.yaml", "AsyncAPI"),
        ("badyaml.yaml", "invalid YAML"),
    ] {
        let e = load(&d, f).unwrap_err();
        assert!(e.message.contains(expect), "{f}: {e}");
        assert!(e.to_string().contains(f), "{e}");
    }
    let e = load(&d, "nan.json").unwrap_err();
    assert_eq!(e.line, Some(2));
    assert!(load(&d, "does-not-exist.json").is_err());
    assert!(load_path(&d, &LoadOptions::default()).is_err());
}

#[test]
fn duplicate_keys_are_diagnostics() {
    let json = br#"{"openapi": "3.0.0", "info": {"title": "a", "title": "b", "version": "1"},
"paths": {"/x": {"get": {"responses": {"200": {"description": "x"}}}},
          "/x": {"post": {"responses": {"200": {"description": "x"}}}}}}"#;
    let yaml = format!(
        "{HEAD}paths:\n  /x:\n    get: {{responses: {{'200': {{description: a}}}}}}\n  /x:\n    put: {{responses: {{'200': {{description: a}}}}}}\n"
    );
    let d = folder(&[("dup.json", json), ("dup.yaml", yaml.as_bytes())]);
    let s = load(&d, "dup.json").unwrap();
    assert_eq!(s.info.title.as_deref(), Some("b"));
    assert_eq!(
        codes(&s)
            .iter()
            .filter(|c| **c == "spec.duplicate-key")
            .count(),
        2
    );
    assert_eq!(s.operations.len(), 1);
    assert_eq!(s.operations[0].method.as_str(), "POST");
    let s = load(&d, "dup.yaml").unwrap();
    assert_eq!(codes(&s), ["spec.duplicate-key"]);
    assert_eq!(s.diagnostics[0].line, Some(6));
}

#[test]
fn load_bytes_without_folder() {
    let doc = br##"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "host": "api.example.com",
    "basePath": "/v1", "schemes": ["https"], "consumes": ["application/json"],
    "securityDefinitions": {"o": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"read": "r"}},
                            "b": {"type": "basic"}},
    "security": [{"o": ["read"]}],
    "paths": {"/items": {"post": {"parameters": [{"in": "body", "name": "b", "required": true, "schema": {"$ref": "#/definitions/Item"}}],
      "security": [], "responses": {"201": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/Item"}}}}},
      "get": {"parameters": [{"in": "query", "name": "limit", "type": "integer", "maximum": 100}, {"$ref": "other.json#/p"}],
       "responses": {"200": {"description": "ok"}}}}},
    "definitions": {"Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string", "x-nullable": true}}}}}"##;
    let spec = load_bytes("stdin", doc, None, &LoadOptions::default()).unwrap();
    assert_eq!(spec.servers[0].url, "https://api.example.com/v1");
    assert!(codes(&spec).contains(&"spec.unresolvable-ref"));
    let post = spec
        .operations
        .iter()
        .find(|o| o.method.as_str() == "POST")
        .unwrap();
    assert!(post.security_override_empty);
    assert!(post.is_unauthenticated());
    let body = post.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content[0].media_type, "application/json");
    let item = spec.schema(body.content[0].schema.unwrap());
    assert_eq!(item.name.as_deref(), Some("Item"));
    assert!(item.properties[0].required);
    assert!(spec.schema(item.properties[0].schema).nullable);
    let resp = post.responses[0].content[0].schema.unwrap();
    assert!(spec.is_list_response(resp));
    let get = spec
        .operations
        .iter()
        .find(|o| o.method.as_str() == "GET")
        .unwrap();
    assert_eq!(get.security.len(), 1);
    assert!(!get.is_unauthenticated());
    let limit = spec.schema(get.parameters[0].schema.unwrap());
    assert_eq!(limit.limits().maximum, Some(100.0));
    assert!(limit.has_type("integer"));
    let o = spec
        .security_schemes
        .iter()
        .find(|s| s.name == "o")
        .unwrap();
    match &o.kind {
        apiward_spec::SchemeKind::OAuth2 { flows } => {
            assert_eq!(flows[0].kind, "authorizationCode");
            assert_eq!(flows[0].scopes, ["read"]);
        }
        k => panic!("{k:?}"),
    }
    // Oversized input is refused.
    let small = LoadOptions {
        max_bytes: 10,
        ..LoadOptions::default()
    };
    assert!(load_bytes("stdin", doc, None, &small).is_err());
}

/// A 10,000-long `$ref` chain, bare and with properties along it (`allOf` too): loaded with a
/// clear diagnostic, not walked once per link (it used to take minutes).
#[test]
fn ten_thousand_long_ref_chains() {
    const N: usize = 10_000;
    let wrap = |schemas: String| {
        format!(
            r##"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/x":{{"get":{{"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/S0"}}}}}}}}}}}}}}}},"components":{{"schemas":{{{schemas}}}}}}}"##
        )
    };
    let bare: Vec<String> = (0..N)
        .map(|i| format!(r##""S{i}":{{"$ref":"#/components/schemas/S{}"}}"##, i + 1))
        .chain([format!(r#""S{N}":{{"type":"object"}}"#)])
        .collect();
    let props: Vec<String> = (0..N)
        .map(|i| {
            format!(
                r##""S{i}":{{"type":"object","properties":{{"name":{{"type":"string"}},"next":{{"$ref":"#/components/schemas/S{}"}}}}}}"##,
                i + 1
            )
        })
        .chain([format!(r#""S{N}":{{"type":"object"}}"#)])
        .collect();
    let all_of: Vec<String> = (0..N)
        .map(|i| {
            format!(
                r##""S{i}":{{"allOf":[{{"$ref":"#/components/schemas/S{}"}},{{"type":"object","properties":{{"p{i}":{{"type":"string"}}}}}}]}}"##,
                i + 1
            )
        })
        .chain([format!(r#""S{N}":{{"type":"object"}}"#)])
        .collect();
    for (name, schemas) in [("bare", bare), ("props", props), ("allof", all_of)] {
        let text = wrap(schemas.join(","));
        let t = Instant::now();
        let spec = load_bytes(
            &format!("{name}.json"),
            text.as_bytes(),
            None,
            &LoadOptions::default(),
        )
        .expect("loads with diagnostics");
        // A hang guard, not a benchmark (release figures are in the README).
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "{name}: {:?}",
            t.elapsed()
        );
        if name == "bare" {
            assert!(codes(&spec).contains(&"spec.ref-too-deep"), "{name}");
        }
        assert_eq!(spec.operations.len(), 1, "{name}");
    }
}
