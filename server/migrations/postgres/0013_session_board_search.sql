-- The board's search (names, identity numbers) is kept with the session, not in the
-- page's address, so it stays out of browser history and proxy logs.
alter table session add column board_search text;
