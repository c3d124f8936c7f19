//! `ofpc token`: one valid client credentials token the documented way (discovery, assertion,
//! mTLS), printed on stdout only; nothing is written to disk. Errors go to stderr with the
//! doctor's hints.

use crate::cli::onboard_args::{TokenArgs, TokenFormat};
use crate::config::load_target;
use crate::errors::InputError;
use crate::execute::discovery::resolve;
use crate::exit_codes;
use crate::onboard::token_view::{Answer, access_token, decode_view, env_lines, read_answer};

use super::valid_token::{diagnose_sent, send_valid_request, transport_for};

pub async fn token_command(args: TokenArgs) -> Result<u8, InputError> {
    let target = load_target(&args.target, None)?;
    let transport = transport_for(&target);
    let resolved = match resolve(&target, &transport).await {
        Ok(r) => r,
        Err(failure) => {
            eprintln!("error: {}", failure.reason);
            eprintln!(
                "  hint: run `ofpc doctor --target {}` for the whole picture",
                args.target.display()
            );
            return Ok(if failure.unreachable {
                exit_codes::UNTESTABLE
            } else {
                exit_codes::FAILURES
            });
        }
    };
    let scope = args.scope.as_deref();
    let sent = send_valid_request(&target, &resolved, &transport, scope).await?;
    let answer = sent
        .result
        .as_ref()
        .ok()
        .map(|r| read_answer(r.status, &r.body));
    if let Some(Answer::Granted(granted)) = &answer {
        let token = access_token(granted);
        match args.format {
            TokenFormat::Raw => println!("{token}"),
            TokenFormat::Json => println!(
                "{}",
                serde_json::to_string_pretty(granted).unwrap_or_default()
            ),
            TokenFormat::Env => print!("{}", env_lines(granted)),
        }
        if args.decode {
            eprint!("{}", decode_view(token, &target.client.cert_x5t_s256));
        }
        return Ok(exit_codes::OK);
    }
    let diagnosis = diagnose_sent(&target, &resolved, &sent, answer.as_ref(), scope);
    eprintln!("error: {}", diagnosis.problem);
    if let Some(id) = &sent.interaction_id {
        eprintln!("  x-fapi-interaction-id: {id}");
    }
    for hint in &diagnosis.hints {
        eprintln!("  hint: {hint}");
    }
    Ok(if diagnosis.unreachable {
        exit_codes::UNTESTABLE
    } else {
        exit_codes::FAILURES
    })
}
