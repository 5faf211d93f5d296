//! The public API the CLI and the scanner build on.

use apiward_detect::*;

#[test]
fn json_key_paths_and_confidence() {
    let det = Detector::new();
    let ms = det.scan(
        br#"{"items":[{"id":1},{"id":2,"ssn":"536226789","contact":{"email":"ana@fastmail.fm"}}]}"#,
    );
    let ssn = ms
        .iter()
        .find(|m| m.data_type == DataType::UsSsn)
        .expect("ssn by key");
    assert_eq!(ssn.key_path.as_deref(), Some("$.items[1].ssn"));
    assert_eq!(ssn.confidence, Confidence::Certain);
    assert_eq!(ssn.masked, "***-**-6789");
    let email = ms
        .iter()
        .find(|m| m.data_type == DataType::Email)
        .expect("email");
    assert_eq!(email.key_path.as_deref(), Some("$.items[1].contact.email"));
    assert_eq!(email.confidence, Confidence::Certain);
}

#[test]
fn bare_nine_digits_need_context() {
    let det = Detector::new();
    assert!(det.scan(br#"{"order_id": 536226789}"#).is_empty());
    assert!(
        det.scan(br#"{"ssn": 536226789}"#)
            .iter()
            .any(|m| m.data_type == DataType::UsSsn)
    );
    let mut out = Vec::new();
    det.scan_text(b"user=7 ssn=536226789 ok", &mut out);
    assert_eq!(out[0].data_type, DataType::UsSsn);
    assert_eq!(out[0].key_path.as_deref(), Some("ssn"));
}

#[test]
fn clean_document_does_not_allocate_matches() {
    let det = Detector::new();
    let mut out = Vec::new();
    det.scan_into(
        br#"{"id":1,"status":"ok","price":19.99,"uuid":"550e8400-e29b-41d4-a716-446655440000"}"#,
        &mut out,
    );
    assert!(out.is_empty());
    assert_eq!(out.capacity(), 0);
}

#[test]
fn headers() {
    let det = Detector::new();
    let mut out = Vec::new();
    det.scan_headers(
        &[
            ("Server", b"nginx/1.18.0 (Ubuntu)".as_slice()),
            ("X-Powered-By", b"Express".as_slice()),
            ("Set-Cookie", b"session=eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxMjMifQ.; Path=/; HttpOnly".as_slice()),
            ("X-Api-Key", b"Zq8Xk2LmN4pR7sT1vW9yB3cD5fG6hJ0k".as_slice()),
            ("x-amzn-ErrorType", b"ResourceNotFoundException:".as_slice()),
        ],
        &mut out,
    );
    let ids: Vec<&str> = out.iter().map(|m| m.data_type.id()).collect();
    assert!(ids.contains(&"server_version"), "{ids:?}");
    assert!(
        !out.iter()
            .any(|m| m.key_path.as_deref() == Some("X-Powered-By"))
    );
    let jwt = out
        .iter()
        .find(|m| m.data_type == DataType::Jwt)
        .expect("jwt in cookie");
    assert_eq!(jwt.key_path.as_deref(), Some("Set-Cookie: session"));
    assert!(jwt.detail.as_deref().unwrap_or("").contains("alg=none"));
    assert!(ids.contains(&"generic_secret"));
    assert!(ids.contains(&"dynamodb_exception"));
}

#[test]
fn har_entries_are_attributed() {
    let har = br#"{"log":{"version":"1.2","creator":{"name":"t"},"entries":[
      {"request":{"method":"GET","url":"https://api.shop.test/users/1","headers":[]},
       "response":{"status":200,"headers":[{"name":"Server","value":"gunicorn/20.1.0"}],
         "content":{"mimeType":"application/json","text":"{\n  \"email\": \"ana@fastmail.fm\"\n}"}}}]}}"#;
    let det = Detector::new();
    let ms = scan_document(&det, har, InputFormat::Auto).unwrap();
    let email = ms
        .iter()
        .find(|l| l.m.data_type == DataType::Email)
        .unwrap();
    assert_eq!(
        email.source.as_deref(),
        Some("GET https://api.shop.test/users/1 response body")
    );
    assert_eq!(email.line, 2);
    assert_eq!(email.m.key_path.as_deref(), Some("$.email"));
    assert!(ms.iter().any(|l| {
        l.m.data_type == DataType::ServerVersion
            && l.source
                .as_deref()
                .unwrap_or("")
                .ends_with("response header Server")
    }));
}

#[test]
fn ndjson_and_text_lines() {
    let det = Detector::new();
    let doc = b"{\"a\":1}\n{\"email\":\"ana@fastmail.fm\"}\n";
    let ms = scan_document(&det, doc, InputFormat::Auto).unwrap();
    assert_eq!(ms[0].line, 2);
    assert_eq!(ms[0].m.key_path.as_deref(), Some("$.email"));
    let log = b"line one\nline two 536-22-6789\n";
    let ms = scan_document(&det, log, InputFormat::Auto).unwrap();
    assert_eq!(ms[0].line, 2);
    assert_eq!(&log[ms[0].m.span.clone()], b"536-22-6789");
}

#[test]
fn aws_account_decoding() {
    assert_eq!(
        aws_account_from_key_id("ASIAY34FZKBOKMUTVV7A").as_deref(),
        Some("609629065308")
    );
    assert_eq!(aws_account_from_key_id("AKIAIOSFODNN7EXAMPLE"), None); // old AKIAI key
    let det = Detector::new();
    let ms = det.scan(b"key ASIAY34FZKBOKMUTVV7A");
    assert!(ms[0].detail.as_deref().unwrap().contains("609629065308"));
    assert_eq!(ms[0].masked, "ASIA****************");
}

#[test]
fn custom_types() {
    let custom = CustomType::from_json(
        r#"[{"name":"employee_id","regex":"\\bEMP-[0-9]{6}\\b","keywords":["employee"]},
            {"name":"loyalty_card","regex":"\\b[0-9]{16}\\b","validator":"luhn"}]"#,
    )
    .unwrap();
    let det = Detector::with_custom(custom).unwrap();
    let ms = det
        .scan(br#"{"employee": "EMP-123456", "other": "EMP-654321", "card": "7992739871300008"}"#);
    let names: Vec<String> = ms.iter().map(|m| det.type_name(&m.data_type)).collect();
    assert_eq!(
        names.iter().filter(|n| *n == "employee_id").count(),
        1,
        "{names:?}"
    );
    assert!(names.contains(&"loyalty_card".to_string()), "{names:?}");
    assert!(
        Detector::with_custom(vec![CustomType {
            name: "x".into(),
            regex: "(".into(),
            validator: None,
            keywords: vec![]
        }])
        .is_err()
    );
    assert!(
        Detector::with_custom(vec![CustomType {
            name: "x".into(),
            regex: "a".into(),
            validator: Some("nope".into()),
            keywords: vec![]
        }])
        .is_err()
    );
}

#[test]
fn classify_key_is_shared_taxonomy() {
    let t = |k: &str| classify_key(k).map(|c| c.data_type);
    assert_eq!(t("customerEmail"), Some(DataType::Email));
    assert_eq!(t("email_template"), None);
    assert_eq!(t("password_reset_required"), None);
    assert_eq!(classify_key("ssn").unwrap().strength, KeyStrength::Strong);
    assert_eq!(classify_key("name").unwrap().strength, KeyStrength::Weak);
}

#[test]
fn ids_labels_and_masks() {
    for t in BUILTIN_TYPES {
        assert_eq!(DataType::from_id(t.id()), Some(*t));
        assert!(!t.label().is_empty());
    }
    assert_eq!(DataType::UsSsn.sensitivity(), Sensitivity::Critical);
    assert_eq!(DataType::Email.sensitivity(), Sensitivity::Medium);
    assert_eq!(DataType::IpPublic.sensitivity(), Sensitivity::Low);
    assert_eq!(
        mask(DataType::Jwt, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
        "JWT(alg=HS256)"
    );
    set_hash_salt(b"test-salt");
    let a = value_hash("x");
    set_hash_salt(DEFAULT_HASH_SALT);
    assert_ne!(a, value_hash("x"));
}

#[test]
fn bracketed_log_lines_are_text() {
    let det = Detector::new();
    let ms = det.scan(b"[2024-05-03 11:02:13] ERROR user=42 ssn=536226789 email=ana@fastmail.fm");
    assert!(
        ms.iter()
            .any(|m| m.data_type == DataType::UsSsn && m.key_path.as_deref() == Some("ssn"))
    );
    assert!(ms.iter().any(|m| m.data_type == DataType::Email));
}
