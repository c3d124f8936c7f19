//! `ofpc doctor`: a preflight of a few seconds before `ofpc run`. Every file loads; each
//! certificate's days left; the discovery document over TLS (version, suite, server
//! certificate, whether a client certificate was needed); the server's clock; one valid token
//! request with hints on failure. Sends only valid requests.

use crate::cli::args::OutputFormat;
use crate::cli::onboard_args::DoctorArgs;
use crate::config::{Client, Endpoints, Target, load_target};
use crate::errors::InputError;
use crate::execute::discovery::resolve;
use crate::execute::transport::{Transport, WireRequest, url_lite::Url};
use crate::model::{TransportFailure, TransportKind, WireResponse};
use crate::onboard::checklist::{Checklist, Item, Status, clock_item, date_text, parse_http_date};
use crate::onboard::hints::{REACH_HINT, SERVER_CA_HINT};
use crate::onboard::rules::{cert_facts, days_left_finding};
use crate::onboard::token_view::{Answer, read_answer};

use super::valid_token::{diagnose_sent, send_valid_request, transport_for};

pub async fn doctor_command(args: DoctorArgs) -> Result<u8, InputError> {
    let target = load_target(&args.target, None)?;
    let list = checklist(&target).await?;
    match args.format {
        OutputFormat::Text => print!(
            "{}",
            list.render_text(&format!(
                "ofpc doctor: {} ({})",
                target.name,
                args.target.display()
            ))
        ),
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&list.to_json(&target.name)).unwrap_or_default()
        ),
    }
    Ok(list.exit_code())
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The checklist for a loaded target.
pub async fn checklist(target: &Target) -> Result<Checklist, InputError> {
    let mut list = Checklist::default();
    let clients: Vec<(&str, &Client)> = [
        ("client", Some(&target.client)),
        ("second_client", target.second_client.as_ref()),
        ("mtls_client", target.mtls_client.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, c)| c.map(|c| (name, c)))
    .collect();
    list.push(Item::new(
        "files",
        Status::Ok,
        format!(
            "the target file and the credentials of {} client(s) load; each transport key matches its certificate",
            clients.len()
        ),
    ));
    for (section, client) in &clients {
        list.push(cert_item(section, client));
    }
    let transport = transport_for(target);
    let mut date_seen: Option<(i64, i64)> = None;
    if let Endpoints::Discovery(url) = &target.endpoints {
        let (item, response, unreachable) = discovery_item(target, &transport, url).await;
        if let Some(r) = &response {
            date_seen = date_of(r);
        }
        let failed = item.status == Status::Fail;
        list.push(item);
        list.unreachable |= unreachable;
        if failed {
            list.push(Item::new(
                "clock",
                Status::Skip,
                "no answer to read the server's Date from",
            ));
            list.push(Item::new(
                "token",
                Status::Skip,
                "no usable discovery document",
            ));
            return Ok(list);
        }
    } else {
        list.push(Item::new(
            "discovery",
            Status::Skip,
            "the target gives `issuer` and `token_endpoint` directly",
        ));
    }
    let resolved = match resolve(target, &transport).await {
        Ok(r) => r,
        Err(failure) => {
            list.unreachable |= failure.unreachable;
            list.push(Item::new("token", Status::Fail, failure.reason));
            return Ok(list);
        }
    };
    let sent = send_valid_request(target, &resolved, &transport, None).await?;
    if let Ok(r) = &sent.result
        && date_seen.is_none()
    {
        date_seen = date_of(r);
    }
    list.push(match date_seen {
        Some((server, local)) => clock_item(server - local),
        None => Item::new(
            "clock",
            Status::Warn,
            "the server sent no readable `Date` header",
        ),
    });
    let answer = sent
        .result
        .as_ref()
        .ok()
        .map(|r| read_answer(r.status, &r.body));
    let item = match (&sent.result, &answer) {
        (Ok(r), Some(Answer::Granted(granted))) => Item::new(
            "token",
            Status::Ok,
            format!(
                "POST {} with the transport certificate: HTTP 200, a {} token (expires_in {}, scope {}){}",
                sent.url,
                granted
                    .get("token_type")
                    .and_then(|v| v.as_str())
                    .unwrap_or("(no token_type)"),
                granted
                    .get("expires_in")
                    .map_or("none".into(), |v| v.to_string()),
                granted
                    .get("scope")
                    .and_then(|v| v.as_str())
                    .unwrap_or("(none)"),
                tls_text(r)
            ),
        ),
        _ => {
            let diagnosis = diagnose_sent(target, &resolved, &sent, answer.as_ref(), None);
            list.unreachable |= diagnosis.unreachable;
            let mut detail = format!("POST {}: {}", sent.url, diagnosis.problem);
            if let Some(id) = &sent.interaction_id {
                detail.push_str(&format!(" (x-fapi-interaction-id {id})"));
            }
            Item::new("token", Status::Fail, detail).with_hints(diagnosis.hints)
        }
    };
    list.push(item);
    Ok(list)
}

/// The transport certificate's validity and days left.
fn cert_item(section: &str, client: &Client) -> Item {
    let name = format!("cert {section}");
    let Some(leaf) = client.identity.cert.first() else {
        return Item::new(name, Status::Fail, "no certificate");
    };
    match cert_facts(leaf.as_ref()) {
        Ok(facts) => {
            let finding = days_left_finding(facts.not_before, facts.not_after, now());
            Item::new(
                name,
                finding.level.into(),
                format!(
                    "transport certificate {}: valid {} to {}, {}",
                    facts.subject,
                    date_text(facts.not_before),
                    date_text(facts.not_after),
                    finding.text
                ),
            )
        }
        Err(e) => Item::new(name, Status::Fail, format!("transport certificate: {e}")),
    }
}

/// The server's `Date` and the local time it arrived at.
fn date_of(response: &WireResponse) -> Option<(i64, i64)> {
    response
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| parse_http_date(v))
        .map(|server| (server, now()))
}

fn tls_text(r: &WireResponse) -> String {
    match &r.tls {
        Some(tls) => format!(
            " over {} ({})",
            tls.version.as_deref().unwrap_or("TLS"),
            tls.cipher_suite.as_deref().unwrap_or("unknown suite")
        ),
        None => String::new(),
    }
}

/// Fetches the discovery document: without a client certificate first (OFM: the well-known is
/// TLS only), then with the transport certificate if the server refused the first handshake.
async fn discovery_item(
    target: &Target,
    transport: &Transport,
    url: &str,
) -> (Item, Option<WireResponse>, bool) {
    let request = match Url::parse(url) {
        Ok(parsed) => WireRequest {
            method: "GET".into(),
            url: parsed,
            headers: vec![("accept".into(), "application/json".into())],
            body: Vec::new(),
        },
        Err(e) => return (Item::new("discovery", Status::Fail, e), None, false),
    };
    let mut needed_cert = false;
    let mut result = transport.send(&request, "none", None).await;
    if let Err(f) = &result
        && f.is_tls_refusal()
    {
        let client = &target.client;
        result = transport
            .send(&request, &client.cert_x5t_s256, Some(&client.identity))
            .await;
        needed_cert = result.is_ok();
    }
    match result {
        Ok(response) => {
            let mut status = if response.status == 200 {
                Status::Ok
            } else {
                Status::Fail
            };
            let mut detail = format!("GET {url}: HTTP {}{}", response.status, tls_text(&response));
            if let Some(facts) = response
                .server_cert
                .as_deref()
                .and_then(|d| cert_facts(d).ok())
            {
                let finding = days_left_finding(facts.not_before, facts.not_after, now());
                detail.push_str(&format!(
                    "; server certificate {}, expires {} ({})",
                    facts.subject,
                    date_text(facts.not_after),
                    finding.text
                ));
                if status == Status::Ok {
                    status = finding.level.into();
                }
            }
            detail.push_str(if needed_cert {
                "; a client certificate was needed"
            } else {
                "; no client certificate needed"
            });
            let item = Item::new("discovery", status, detail);
            let item = if response.status == 200 {
                item
            } else {
                item.with_hints(vec![
                    "is `discovery` the well-known URL PayNet sent (…/.well-known/openid-configuration)?".into(),
                ])
            };
            (item, Some(response), false)
        }
        Err(failure) => {
            let unreachable = matches!(
                failure.kind,
                TransportKind::Refused
                    | TransportKind::Connect
                    | TransportKind::Dns
                    | TransportKind::ConnectTimeout
                    | TransportKind::Timeout
                    | TransportKind::ReadTimeout
            );
            (unreached(url, &failure), None, unreachable)
        }
    }
}

fn unreached(url: &str, failure: &TransportFailure) -> Item {
    let hint = match failure.kind {
        TransportKind::ServerCert => SERVER_CA_HINT,
        TransportKind::TlsAlert { .. }
        | TransportKind::Tls
        | TransportKind::Reset
        | TransportKind::Closed => {
            "the server refused TLS even with the transport certificate: is it the registered one?"
        }
        _ => REACH_HINT,
    };
    Item::new(
        "discovery",
        Status::Fail,
        format!("GET {url}: {}", failure.message),
    )
    .with_hints(vec![hint.into()])
}
