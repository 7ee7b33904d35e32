-- What a browser typed into a form the server refused, while the page shows it again
-- (at most ten minutes). The address the browser is sent back to carries the error
-- without what was typed, so names, emails and health text stay out of browser
-- history and proxy logs; this table holds the rest, keyed by a cookie's hash.
create table form_error (
    browser_id text primary key,
    shown text not null,
    full_error text not null,
    created_at bigint not null
);
create index form_error_created on form_error (created_at);
