//! The README's code, compiled by `cargo test` so the README cannot drift from the API.
//! Run it against a server of your own: `PLUGCHAT_TOKEN=... cargo run --example readme`.

use futures_util::StreamExt;
use plugchat_api::chats::ArchiveChatAction;
use plugchat_api::message::{SendButtonListButton, SendButtonListButtonList};
use plugchat_api::{Client, Error, StatusCode};

async fn picture_link(client: &Client, phone: &str) -> Result<Option<String>, Error> {
    match client.get_profile_picture().phone(phone).send().await {
        Ok(pictures) => Ok(pictures.into_inner().into_iter().next().and_then(|p| p.link)),
        Err(Error::Api(api)) if api.status == StatusCode::METHOD_NOT_ALLOWED => {
            eprintln!("405, the docs say: {}", api.documented.unwrap_or("nothing"));
            Ok(None)
        }
        Err(Error::Decode { path, .. }) => panic!("the service changed the shape at {path}"),
        Err(error) if error.is_retryable() => Err(error), // retried already; try later
        Err(error) => Err(error),
    }
}

// The README's webhook receiver.
async fn receive(body: axum::body::Bytes) -> axum::http::StatusCode {
    use plugchat_api::webhooks::WebhookEvent;
    match WebhookEvent::from_slice(&body) {
        Ok(WebhookEvent::MessageReceived(m)) if m.notification.is_some() => {
            println!("notification {:?} {:?}", m.notification, m.notification_parameters)
        }
        Ok(WebhookEvent::MessageReceived(m)) => println!("{:?}: {:?}", m.phone, m.text.and_then(|t| t.message)),
        Ok(other) => {
            for mismatch in other.mismatches() {
                eprintln!("{}: {mismatch}", other.name()) // a value the docs did not announce; the event still decoded
            }
            println!("{}: {other:?}", other.name())
        }
        Err(error) => {
            eprintln!("{error}");
            return axum::http::StatusCode::BAD_REQUEST;
        }
    }
    axum::http::StatusCode::OK
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = plugchat_api::Client::builder()
        .token(std::env::var("PLUGCHAT_TOKEN").unwrap_or_else(|_| "my-token".into()))
        .base_url("http://127.0.0.1:8080/api") // default: https://app.plugchat.com.br/api
        .build()?;
    let pictures = client.get_profile_picture().phone("5511999999999").send().await?;
    for picture in &pictures {
        println!("{}", picture.link.as_deref().unwrap_or("(no picture)")); // every response field is an Option
    }

    client.send_text().phone("5511999999999").message("Olá!").delay_message(3).send().await?;
    client.archive_chat().phone("5511999999999").action(ArchiveChatAction::Archive).send().await?;
    client.delete_chat().phone("5511999999999").send().await?; // sends "action": "delete" itself
    let mut yes = SendButtonListButton::new("Sim"); // required fields in `new`, optional ones are `None`
    yes.id = Some("1".into());
    let buttons = SendButtonListButtonList::new(vec![yes, SendButtonListButton::new("Não")]);
    client.send_button_list().phone("5511999999999").message("Tudo bem?").button_list(buttons).send().await?;

    let mut chats = client.get_chats_stream(50).into_stream();
    while let Some(chat) = chats.next().await {
        println!("{:?}", chat?.name);
    }
    println!("{:?}", picture_link(&client, "5511999999999").await?);
    let _app: axum::Router = axum::Router::new().route("/webhooks", axum::routing::post(receive));
    Ok(())
}
