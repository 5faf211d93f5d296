//! Swagger 2.0, OpenAPI 3.0 and 3.1 versions of the same API (from `@readme/oas-examples`, MIT,
//! copied into `tests/fixtures/edge/`) produce the same normalized operations.

use apiward_spec::{LoadOptions, Operation, Spec, SpecVersion, load_path};
use std::path::PathBuf;

fn load(name: &str) -> Spec {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/edge")
        .join(name);
    load_path(&p, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// What must agree across versions: method, path, parameters (location, name, required),
/// request-body presence and media types, response statuses, effective security.
fn signature(spec: &Spec, op: &Operation, media: bool) -> String {
    let mut params: Vec<String> = op
        .parameters
        .iter()
        .map(|p| {
            let ty = p
                .schema
                .map(|s| spec.schema(s).types.join("|"))
                .unwrap_or_default();
            format!("{}:{}:{}:{}", p.location.as_str(), p.name, p.required, ty)
        })
        .collect();
    params.sort();
    let mut statuses: Vec<&str> = op.responses.iter().map(|r| r.status.as_str()).collect();
    statuses.sort();
    let body = op
        .request_body
        .as_ref()
        .map(|b| {
            let mut m: Vec<&str> = b.content.iter().map(|c| c.media_type.as_str()).collect();
            m.sort();
            if media {
                m.join(",")
            } else {
                "yes".to_string()
            }
        })
        .unwrap_or_default();
    // Success response schema shape: flattened property paths.
    let mut shape: Vec<String> = op
        .success_responses()
        .flat_map(|r| r.content.iter())
        .filter_map(|m| m.schema)
        .flat_map(|s| spec.flatten_properties(s, 6))
        .map(|p| p.path)
        .collect();
    shape.sort();
    shape.dedup();
    format!(
        "{} {} params={:?} body={} statuses={:?} security={:?} shape={:?}",
        op.method.as_str(),
        op.path,
        params,
        body,
        statuses,
        op.security,
        shape
    )
}

fn signatures(spec: &Spec, media: bool) -> Vec<String> {
    let mut v: Vec<String> = spec
        .operations
        .iter()
        .map(|o| signature(spec, o, media))
        .collect();
    v.sort();
    v
}

fn assert_same(a: &str, b: &str) {
    assert_same_with(a, b, true)
}

fn assert_same_with(a: &str, b: &str, media: bool) {
    let (sa, sb) = (load(a), load(b));
    assert!(!sa.operations.is_empty());
    let (x, y) = (signatures(&sa, media), signatures(&sb, media));
    for (l, r) in x.iter().zip(y.iter()) {
        assert_eq!(l, r, "{a} vs {b}");
    }
    assert_eq!(x.len(), y.len(), "{a} vs {b}");
}

#[test]
fn petstore_simple_3_0_3_1() {
    assert_eq!(
        load("petstore-simple-3.0.json").version,
        SpecVersion::OpenApi30
    );
    assert_eq!(
        load("petstore-simple-3.1.json").version,
        SpecVersion::OpenApi31
    );
    assert_same("petstore-simple-3.0.json", "petstore-simple-3.1.json");
}

#[test]
fn petstore_3_0_3_1() {
    // The 3.1 edition uploads images as `application/octet-stream` instead of multipart: the
    // documents differ there, so request-body media types are left out of this comparison.
    assert_same_with("petstore-3.0.json", "petstore-3.1.json", false);
}

#[test]
fn petstore_expanded_2_0_3_0() {
    assert_same("petstore-expanded-2.0.json", "petstore-expanded-3.0.json");
    assert_same("petstore-expanded-2.0.yaml", "petstore-expanded-3.0.yaml");
}

#[test]
fn json_and_yaml_agree() {
    for n in [
        "petstore-simple-2.0",
        "petstore-simple-3.0",
        "petstore-simple-3.1",
        "petstore-expanded-2.0",
        "petstore-expanded-3.0",
        "petstore-2.0",
        "petstore-3.0",
        "petstore-3.1",
    ] {
        assert_same(&format!("{n}.json"), &format!("{n}.yaml"));
    }
}

#[test]
fn petstore_2_0_maps_like_3_0() {
    let s2 = load("petstore-2.0.json");
    let s3 = load("petstore-3.0.json");
    assert_eq!(s2.operations.len(), s3.operations.len());
    assert_eq!(s2.servers[0].url, "http://petstore.swagger.io/v2");
    assert_eq!(s2.servers[0].url, s3.servers[0].url);
    // Same operations, parameters, bodies and security; the 3.0 edition adds a `default` response
    // to one operation, so statuses are compared for the others only.
    for (a, b) in s2.operations.iter().zip(s3.operations.iter()) {
        assert_eq!(a.label(), b.label());
        assert_eq!(a.security, b.security, "{}", a.label());
        let pa: Vec<_> = a.parameters.iter().map(|p| (&p.name, p.location)).collect();
        let pb: Vec<_> = b.parameters.iter().map(|p| (&p.name, p.location)).collect();
        assert_eq!(pa, pb, "{}", a.label());
        assert_eq!(
            a.request_body.is_some(),
            b.request_body.is_some(),
            "{}",
            a.label()
        );
    }
    // Security schemes: oauth2 `implicit` flow, api key in header.
    let names2: Vec<_> = s2
        .security_schemes
        .iter()
        .map(|s| (&s.name, &s.kind))
        .collect();
    let names3: Vec<_> = s3
        .security_schemes
        .iter()
        .map(|s| (&s.name, &s.kind))
        .collect();
    assert_eq!(names2, names3);
    // formData → a request body with an object schema of the form fields.
    let upd = s2
        .operations
        .iter()
        .find(|o| o.label() == "POST /pet/{petId}")
        .unwrap();
    let body = upd.request_body.as_ref().unwrap();
    assert_eq!(
        body.content[0].media_type,
        "application/x-www-form-urlencoded"
    );
    let form = s2.schema(body.content[0].schema.unwrap());
    let names: Vec<_> = form.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["name", "status"]);
    // definitions → named schemas.
    let user = s2
        .schemas
        .iter()
        .find(|s| s.name.as_deref() == Some("User"))
        .unwrap();
    assert!(user.properties.iter().any(|p| p.name == "email"));
}

#[test]
fn webhooks_and_cycles() {
    let w = load("webhooks-3.1.yaml");
    assert!(!w.webhooks.is_empty());
    assert!(w.webhooks.iter().all(|o| o.is_webhook));
    for f in ["schema-circular-3.0.json", "schema-circular-2.0.yaml"] {
        let s = load(f);
        for op in &s.operations {
            for r in &op.responses {
                for m in &r.content {
                    if let Some(id) = m.schema {
                        let _ = s.flatten_properties(id, 32);
                        let _ = s.is_list_response(id);
                    }
                }
            }
        }
    }
}
