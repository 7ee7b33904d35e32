//! Enrolling in the second factor: a pending secret and recovery codes, confirmed by a code.

use sqlx::Row;

use super::accounts::recovery_code_hash;
use super::db::now;
use super::{totp, Db};

pub const RECOVERY_CODES: usize = 10;

/// What the enrolment page shows once: the secret, its QR code, and the recovery codes.
pub struct Enrolment {
    pub secret: String,
    pub qr_svg_data_uri: String,
    pub recovery_codes: Vec<String>,
}

/// A recovery code like `k7x2-9mpq-4tdz`: 60 bits, easy to read aloud and type.
fn new_recovery_code() -> String {
    use rand::Rng as _;
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut rng = rand::rngs::OsRng;
    let chars: String = (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..12])
}

/// Accepts a code from the authenticator app (each time step once) or an unused
/// recovery code (which is then used up).
pub async fn accept_code(db: &Db, account_id: i64, code: &str) -> Result<bool, sqlx::Error> {
    let secret = super::accounts::totp_secret(db, account_id)
        .await?
        .and_then(|s| totp::base32_decode(&s));
    match secret.as_deref().and_then(|s| totp::verify(s, code, now())) {
        Some(step) => super::accounts::accept_totp_step(db, account_id, step).await,
        None => super::accounts::use_recovery_code(db, account_id, code).await,
    }
}

/// Starts (or restarts) enrolment: a new pending secret and new pending recovery codes.
pub async fn begin(
    db: &Db,
    account_id: i64,
    email: &str,
    issuer: &str,
) -> Result<Enrolment, sqlx::Error> {
    let secret = totp::new_secret();
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let t = now();
    let mut tx = db.begin_write().await?;
    sqlx::query("update account set totp_pending_secret = $1 where account_id = $2")
        .bind(&secret)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from recovery_code where account_id = $1 and pending = 1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query(
            "insert into recovery_code (account_id, code_hash, created_at, pending) values ($1, $2, $3, 1)",
        )
        .bind(account_id)
        .bind(recovery_code_hash(code))
        .bind(t)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let uri = totp::provisioning_uri(&secret, email, issuer);
    Ok(Enrolment {
        qr_svg_data_uri: qr_data_uri(&uri),
        secret,
        recovery_codes: codes,
    })
}

/// Finishes enrolment if the code matches the pending secret: the secret and the
/// pending recovery codes become the account's, replacing any earlier ones.
pub async fn confirm(db: &Db, account_id: i64, code: &str) -> Result<bool, sqlx::Error> {
    let pending: Option<String> =
        sqlx::query("select totp_pending_secret from account where account_id = $1")
            .bind(account_id)
            .fetch_optional(&db.pool)
            .await?
            .map(|r| r.try_get("totp_pending_secret"))
            .transpose()?
            .flatten();
    let Some(secret) = pending else {
        return Ok(false);
    };
    let Some(step) = totp::base32_decode(&secret).and_then(|s| totp::verify(&s, code, now()))
    else {
        return Ok(false);
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "update account set totp_secret = totp_pending_secret, totp_pending_secret = null,
             totp_last_step = $1, updated_at = $2
         where account_id = $3",
    )
    .bind(step)
    .bind(now())
    .bind(account_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("delete from recovery_code where account_id = $1 and pending = 0")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update recovery_code set pending = 0 where account_id = $1 and pending = 1")
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// An `otpauth://` URI as a QR code, in a `data:` URI an `<img>` can show.
fn qr_data_uri(text: &str) -> String {
    use base64::Engine as _;
    let svg = match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    };
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_readable_and_distinct() {
        let a = new_recovery_code();
        assert_eq!(a.len(), 14);
        assert_eq!(a.matches('-').count(), 2);
        assert_ne!(a, new_recovery_code());
    }

    #[test]
    fn the_qr_code_is_an_svg_image() {
        let uri = qr_data_uri("otpauth://totp/RPH:kari@example.no?secret=MZXW6YTBOI");
        assert!(uri.starts_with("data:image/svg+xml;base64,"));
        assert!(uri.len() > 1000);
    }
}
