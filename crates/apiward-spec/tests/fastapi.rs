//! A FastAPI-style OpenAPI 3.1 document: operations, `$ref`'d response schema, lines.

use apiward_spec::{LoadOptions, Method, SpecVersion, load_path};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn fastapi_user_schema_has_lines() {
    let spec = load_path(&fixture("fastapi-users.json"), &LoadOptions::default()).unwrap();
    assert_eq!(spec.version, SpecVersion::OpenApi31);
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    assert_eq!(spec.operations.len(), 1);
    let op = &spec.operations[0];
    assert_eq!(op.method, Method::Get);
    assert_eq!(op.path, "/users/{user_id}");
    assert_eq!(op.loc.line, 9);
    assert_eq!(&*op.loc.pointer, "/paths/~1users~1{user_id}/get");
    assert!(op.is_unauthenticated());
    assert!(!op.security_override_empty);
    assert_eq!(op.parameters.len(), 1);
    assert_eq!(op.parameters[0].name, "user_id");
    assert!(op.parameters[0].required);

    let ok = op.success_responses().next().unwrap();
    assert_eq!(ok.status, "200");
    let sid = ok.content[0].schema.unwrap();
    let user = spec.schema(sid);
    assert_eq!(user.name.as_deref(), Some("User"));
    assert_eq!(user.loc.line, 63);
    assert_eq!(&*user.loc.pointer, "/components/schemas/User");
    assert_eq!(
        spec.file_of(&user.loc),
        fixture("fastapi-users.json").display().to_string()
    );
    assert!(!spec.is_list_response(sid));

    let props = spec.flatten_properties(sid, 8);
    let line_of = |n: &str| props.iter().find(|p| p.path == n).map(|p| p.loc.line);
    assert_eq!(line_of("email"), Some(69));
    assert_eq!(line_of("phone"), Some(74));
    assert_eq!(line_of("ssn"), Some(85));
    let email = user.properties.iter().find(|p| p.name == "email").unwrap();
    assert!(email.required);
    assert_eq!(spec.schema(email.schema).format.as_deref(), Some("email"));
    let phone = user.properties.iter().find(|p| p.name == "phone").unwrap();
    assert!(!phone.required);
    assert_eq!(spec.schema(phone.schema).any_of.len(), 2);
    let ssn = user.properties.iter().find(|p| p.name == "ssn").unwrap();
    assert_eq!(
        spec.schema(ssn.schema).examples(),
        vec!["123-45-6789".to_string()]
    );

    // The error response is a list-ish schema with nested items.
    let err = op.responses.iter().find(|r| r.status == "422").unwrap();
    let eid = err.content[0].schema.unwrap();
    let paths: Vec<String> = spec
        .flatten_properties(eid, 8)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert!(paths.contains(&"detail[].msg".to_string()), "{paths:?}");
}
