//! Behaviours without a server of their own to test: the body limit, operations of an id
//! several folders use, and the base URL printed for an unspecified address. (They were the
//! library's unit tests; here they need no second build of the library after every docs edit.)

#[test]
fn the_body_limit_is_the_clients_response_limit() {
    let limits = plugchat_mock::Limits::default();
    assert_eq!(limits, limits.clone().max_body_bytes(plugchat_api::DEFAULT_MAX_RESPONSE_BYTES));
}

/// An id that several folders use names each of its operations `<folder>/<id>`, as
/// `dynamic::call` does: in overrides (the method and the admin API, whose path then holds
/// the slash), in the operations listed and in the requests recorded.
#[tokio::test]
async fn operations_of_an_id_several_folders_use_are_named_by_folder() {
    let page = |folder: &str| {
        let text = format!(
            "---\nid: get-all\ntitle: T\n---\n\n## Method\n\n`GET` https://api.example.test/v1/{folder}\n\n\
             ## Response\n\n### 200\n\n| Attributes | Type | Description |\n| --- | --- | --- |\n| name | string | N |\n\n\
             ```json\n{{\"name\": \"{folder}\"}}\n```\n"
        );
        (format!("{folder}/get-all.md"), text.into_bytes())
    };
    let sources = [page("contacts"), page("groups")];
    let spec = plugchat_spec::parse_sources("docs", &sources, Some("https://api.example.test/v1".into())).0;
    let surface = plugchat_codegen::api_surface(&spec);
    let mock = plugchat_mock::MockServer::start_with(&spec, &surface, "127.0.0.1:0".parse().unwrap()).await.unwrap();
    assert_eq!(mock.operations(), ["contacts/get-all", "groups/get-all"]);
    let http = reqwest::Client::new();
    let get = |path: &str| {
        let request = http.get(format!("{}/{path}", mock.base_url())).header("Authorization", "t");
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    mock.on("groups/get-all").respond(201, serde_json::json!({"name": "override"}));
    assert_eq!(get("groups").await, (201, r#"{"name":"override"}"#.to_owned()));
    assert_eq!(get("contacts").await, (200, r#"{"name":"contacts"}"#.to_owned()));
    let admin = format!("http://{}/__admin/operations/contacts/get-all", mock.addr());
    let body = r#"{"respond": {"status": 202, "body": {"name": "admin"}}}"#;
    let put = http.put(&admin).header("Content-Type", "application/json").body(body).send().await.unwrap();
    assert_eq!(put.status().as_u16(), 200, "{}", put.text().await.unwrap());
    assert_eq!(get("contacts").await.0, 202);
    assert_eq!(http.delete(&admin).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(get("contacts").await.0, 200);
    let listed: serde_json::Value =
        http.get(format!("http://{}/__admin/operations", mock.addr())).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = listed["operations"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["contacts/get-all", "groups/get-all"]);
    assert_eq!(mock.received_for("groups/get-all").len(), 1);
    assert_eq!(mock.received_for("contacts/get-all").len(), 3);
}

/// `--host 0.0.0.0 --allow-remote` prints a URL the client accepts over plain http: loopback.
#[test]
fn an_unspecified_address_is_named_by_loopback() {
    assert_eq!(plugchat_mock::base_url_for("0.0.0.0:8080".parse().unwrap(), "/api"), "http://127.0.0.1:8080/api");
    assert_eq!(plugchat_mock::base_url_for("[::]:8080".parse().unwrap(), "/api"), "http://[::1]:8080/api");
    assert_eq!(plugchat_mock::base_url_for("127.0.0.1:1".parse().unwrap(), ""), "http://127.0.0.1:1");
    for addr in ["0.0.0.0:8080", "[::]:8080"] {
        let url = plugchat_mock::base_url_for(addr.parse().unwrap(), "/api");
        let built = plugchat_api::Client::builder().token("t").base_url(&url).build();
        assert!(built.is_ok(), "{url}: {built:?}");
    }
}
