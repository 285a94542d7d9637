//! Who makes an `/api` request: a user by their token once users exist; before that anyone who
//! reached the service, or, when it has a `--token`, whoever presents it. Tokens come as
//! `Authorization: Bearer TOKEN`, or as `?access_token=TOKEN` for `EventSource`, which cannot
//! set headers. Wrong tokens from one address are answered ever more slowly.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use poem::Request;
use poem::http::{StatusCode, header};

use super::problem::Problem;
use crate::domain::{check_user_name, token_hash};
use crate::store::Store;
use crate::usecases::Caller;

/// How long the failed attempts of an address are remembered.
const FAILURE_MEMORY: Duration = Duration::from_secs(60);
/// The delay of the first failed attempt; each next one in the memory waits twice as long.
const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(5);
/// While no user exists, how often the database is asked whether another node added one.
const USERS_RECHECK: Duration = Duration::from_secs(1);
/// Addresses remembered at most; older ones are forgotten first.
const MAX_ADDRESSES: usize = 4096;

/// What is known of the service's users. Users are never removed (only their tokens), so once
/// one exists that stays known; "none" holds for a second, as another node may add the first.
#[derive(Clone, Copy)]
enum UsersKnown {
    Unasked,
    NoneAsOf(Instant),
    Exist,
}

/// Establishes the caller of each request.
pub struct Identify {
    /// The service's own token (`--token`), which acts as an admin.
    service_token: Option<String>,
    /// The header an authenticating proxy names the user in, believed from these addresses.
    user_header: Option<(String, Vec<IpAddr>)>,
    store: Store,
    /// What the database last said of users.
    users: Mutex<UsersKnown>,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

impl Identify {
    pub fn new(service_token: Option<String>, user_header: Option<(String, Vec<IpAddr>)>, store: Store) -> Identify {
        let user_header =
            user_header.map(|(header, proxies)| (header, proxies.iter().map(IpAddr::to_canonical).collect::<Vec<_>>()));
        if let Some((header, proxies)) = &user_header
            && proxies.iter().any(IpAddr::is_loopback)
        {
            tracing::warn!(
                header,
                "a trusted proxy is on this machine: any process here can name itself in the header; \
                 let the service listen where only the proxy reaches it"
            );
        }
        Identify {
            service_token,
            user_header,
            store,
            users: Mutex::new(UsersKnown::Unasked),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The caller of `request`, or the problem to answer with.
    pub async fn caller(&self, request: &Request) -> Result<Caller, (StatusCode, Problem)> {
        if let Some(name) = self.proxied_user(request)? {
            return self.proxied_caller(name).await;
        }
        let presented = presented_token(request);
        let presented = presented.as_deref();
        if let (Some(token), Some(presented)) = (&self.service_token, presented)
            && constant_time_eq(presented.as_bytes(), token.as_bytes())
        {
            return Ok(Caller::ServiceToken);
        }
        if self.users_exist().await? {
            let Some(presented) = presented else {
                return Err(unauthorized("sign in: send your token as `Authorization: Bearer TOKEN`"));
            };
            // Looked up by its hash: the comparison is the index's, on a value the caller
            // cannot steer byte by byte.
            return match self.store.user_by_token_hash(&token_hash(presented)).await {
                Ok(Some(user)) => Ok(Caller::User { name: user.name, admin: user.admin }),
                Ok(None) => Err(self.refuse(request, "the token is not valid (revoked, replaced or mistyped)").await),
                Err(error) => Err(lookup_failed(&error)),
            };
        }
        match (&self.service_token, presented) {
            (None, _) => Ok(Caller::Anyone),
            (Some(_), None) => Err(unauthorized("this service needs a token: send `Authorization: Bearer TOKEN`")),
            (Some(_), Some(_)) => Err(self.refuse(request, "the token is not this service's").await),
        }
    }

    /// The user an authenticating proxy names, if the request comes from a trusted proxy. A
    /// header given twice is refused: a proxy that adds its header after the client's would
    /// otherwise let the client's count.
    fn proxied_user<'r>(&self, request: &'r Request) -> Result<Option<&'r str>, (StatusCode, Problem)> {
        let Some((header, proxies)) = self.user_header.as_ref() else { return Ok(None) };
        let Some(from) = request.remote_addr().as_socket_addr().map(|address| address.ip().to_canonical()) else {
            return Ok(None);
        };
        if !proxies.contains(&from) {
            return Ok(None);
        }
        let mut values = request.headers().get_all(header.as_str()).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return match request.headers().contains_key(header.as_str()) {
                true => Err(unauthorized("the proxy's user header came more than once")),
                false => Ok(None),
            };
        };
        Ok(value.to_str().ok().map(str::trim).filter(|name| !name.is_empty()))
    }

    /// A user the proxy signed in: an admin if a user of that name is one.
    async fn proxied_caller(&self, name: &str) -> Result<Caller, (StatusCode, Problem)> {
        if check_user_name(name).is_err() {
            return Err(unauthorized(
                "the proxy's user name is not one Testbay takes (letters, digits, `.`, `_`, `-`, `@`)",
            ));
        }
        let known = self.store.user(name).await.map_err(|error| lookup_failed(&error))?;
        Ok(Caller::User { name: name.to_owned(), admin: known.is_some_and(|user| user.admin) })
    }

    /// Notes that a user now exists.
    pub fn user_added(&self) {
        *self.users.lock().unwrap_or_else(PoisonError::into_inner) = UsersKnown::Exist;
    }

    async fn users_exist(&self) -> Result<bool, (StatusCode, Problem)> {
        match *self.users.lock().unwrap_or_else(PoisonError::into_inner) {
            UsersKnown::Exist => return Ok(true),
            UsersKnown::NoneAsOf(at) if at.elapsed() < USERS_RECHECK => return Ok(false),
            UsersKnown::NoneAsOf(_) | UsersKnown::Unasked => {}
        }
        // Until the database has answered, nothing is assumed; an error refuses the request.
        let exist = self.store.has_users().await.map_err(|error| lookup_failed(&error))?;
        let mut known = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        // A user added meanwhile is not forgotten for an answer given before.
        if exist {
            *known = UsersKnown::Exist;
        } else if !matches!(*known, UsersKnown::Exist) {
            *known = UsersKnown::NoneAsOf(Instant::now());
        }
        Ok(exist || matches!(*known, UsersKnown::Exist))
    }

    /// A 401 for a wrong token, after a delay that doubles with each failure of the address.
    async fn refuse(&self, request: &Request, message: &str) -> (StatusCode, Problem) {
        let delay = request.remote_addr().as_socket_addr().map(|address| self.note_failure(network_of(address.ip())));
        if let Some(delay) = delay {
            tracing::warn!(address = %request.remote_addr(), delay_ms = delay.as_millis(), "a wrong token was presented");
            tokio::time::sleep(delay).await;
        }
        unauthorized(message)
    }

    fn note_failure(&self, address: IpAddr) -> Duration {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        if failures.len() >= MAX_ADDRESSES && !failures.contains_key(&address) {
            failures.retain(|_, (_, last)| now.duration_since(*last) < FAILURE_MEMORY);
            // Still full of recent failures: the oldest is forgotten, never the lot.
            if failures.len() >= MAX_ADDRESSES
                && let Some(oldest) = failures.iter().min_by_key(|(_, (_, last))| *last).map(|(address, _)| *address)
            {
                failures.remove(&oldest);
            }
        }
        let entry = failures.entry(address).or_insert((0, now));
        if now.duration_since(entry.1) >= FAILURE_MEMORY {
            entry.0 = 0;
        }
        *entry = (entry.0.saturating_add(1), now);
        FIRST_DELAY.saturating_mul(1 << (entry.0 - 1).min(16)).min(MAX_DELAY)
    }
}

/// Where failed attempts are counted: an IPv4 address, or an IPv6 address's /64 (what one
/// host usually has to choose from).
fn network_of(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(std::net::Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        v4 => v4,
    }
}

fn presented_token(request: &Request) -> Option<Cow<'_, str>> {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if let Some(bearer) = bearer {
        return Some(Cow::Borrowed(bearer));
    }
    let query = request.uri().query()?;
    form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "access_token").map(|(_, value)| value)
}

fn unauthorized(message: &str) -> (StatusCode, Problem) {
    (StatusCode::UNAUTHORIZED, Problem::new("unauthorized", message))
}

fn lookup_failed(error: &crate::store::StoreError) -> (StatusCode, Problem) {
    if error.is_unavailable() {
        let message = "cannot check the token: the database cannot be reached; try again once it is back";
        return (StatusCode::SERVICE_UNAVAILABLE, Problem::new("database_unavailable", message));
    }
    tracing::error!(error = %error, "cannot look up a token");
    (StatusCode::INTERNAL_SERVER_ERROR, Problem::new("internal", "cannot check the token; see the service log"))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
