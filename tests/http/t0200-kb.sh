#!/bin/bash
# The knowledge base: agents draft articles, leads publish; every edit is a
# version; the public sees published public articles only (drafts and
# internal ones answer 404 like missing ones); Markdown comes back as safe
# HTML; bad input is refused with the field named and writes nothing; `truce
# kb import` is idempotent by slug, names file:line in errors and imports all
# or nothing.
. "$(dirname "$0")/lib.sh"
setup_db
start_server

n_articles() { sql "SELECT count(*) FROM articles"; }

# ---- create ----
TOKEN=$AGENT req POST /api/v1/articles '{"title":"Where is my parcel?","body":"Track it *here*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))","tags":["shipping","faq"],"audience":"public"}'
expect 201 "an agent drafts an article"
ID=$(json .id)
expect_json .slug where-is-my-parcel "the slug is made from the title"
expect_json .status draft "a new article is a draft"
expect_json .version 1 "at version 1"
expect_json '.tags | join(",")' shipping,faq "tags kept in order"
HTML=$(json .body_html)
case "$HTML" in *"<em>here</em>"*) ok ;; *) not_ok "Markdown is rendered: $HTML" ;; esac
case "$HTML" in *"<script"*) not_ok "raw HTML must not come out live: $HTML" ;; *) ok ;; esac
case "$HTML" in *"javascript:"*) not_ok "a javascript: link must be dropped: $HTML" ;; *) ok ;; esac
expect_json .body_markdown "$(printf 'Track it *here*.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))')" "the Markdown is kept as written"

TOKEN=$AGENT req POST /api/v1/articles '{"title":"Where is my parcel?","body":"Another","audience":"internal"}'
expect 201 "the same title again"
expect_json .slug where-is-my-parcel-2 "a taken slug gets a suffix"
ID2=$(json .id)
expect_json .audience internal "internal"

TOKEN=$AGENT req POST /api/v1/articles '{"title":"Published at once","body":"x","status":"published"}'
expect 403 forbidden "an agent cannot publish"
TOKEN=$LEAD req POST /api/v1/articles '{"title":"Refunds","slug":"refunds","body":"Thirty days.","audience":"public","status":"published","tags":["billing"]}'
expect 201 "a lead publishes"
PUB=$(json .id)

# ---- bad input: 400, the field named, nothing written ----
BEFORE=$(n_articles)
req POST /api/v1/articles '{"body":"no title"}'
expect 400 missing_field "a title is required"
expect_json .error.field title "the field is named"
req POST /api/v1/articles '{"title":"   ","body":"x"}'
expect 400 invalid_value "a blank title is refused"
req POST /api/v1/articles "{\"title\":\"$(head -c 201 /dev/zero | tr '\0' a)\",\"body\":\"x\"}"
expect 400 too_long "a title over 200 bytes"
req POST /api/v1/articles '{"title":"Bad slug","slug":"Not A Slug","body":"x"}'
expect 400 invalid_value "a bad slug"
expect_json .error.field slug "slug named"
req POST /api/v1/articles '{"title":"Taken","slug":"refunds","body":"x"}'
expect 409 conflict "a taken slug"
req POST /api/v1/articles '{"title":"Bad audience","body":"x","audience":"everyone"}'
expect 400 invalid_value "a bad audience"
expect_json .error.field audience "audience named"
req POST /api/v1/articles '{"title":"Bad tag","body":"x","tags":["has space"]}'
expect 400 invalid_value "a bad tag"
req POST /api/v1/articles '{"title":"Extra","body":"x","colour":"red"}'
expect 400 unknown_field "an undeclared field"
BIG=$(head -c $((200 * 1024 + 1)) /dev/zero | tr '\0' a)
printf '{"title":"Big","body":"%s"}' "$BIG" >"$T_DIR/big.json"
STATUS=$(curl -s -o "$T_DIR/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T_DIR/big.json" "$BASE/api/v1/articles")
[ "$STATUS" = 400 ] || [ "$STATUS" = 413 ] && ok || not_ok "a body over 200 KiB is refused, got $STATUS"
[ "$(n_articles)" = "$BEFORE" ] && ok || not_ok "nothing was written by bad requests"

# ---- read and list ----
TOKEN=$AGENT req GET "/api/v1/articles/$ID"
expect 200 "an agent reads a draft"
TOKEN=$AGENT req GET "/api/v1/articles"
expect 200 "an agent lists all"
expect_json '.items | length' 3 "three articles"
expect_json '.items[0].body_html' null "lists leave the body out"
req GET "/api/v1/articles?status=published"
expect_json '.items | map(.id) | join(",")' "$PUB" "filter by status"
req GET "/api/v1/articles?audience=internal"
expect_json '.items | map(.id) | join(",")' "$ID2" "filter by audience"
req GET "/api/v1/articles?tag=faq"
expect_json '.items | map(.id) | join(",")' "$ID" "filter by tag"
req GET "/api/v1/articles?limit=2"
expect_json '.items | length' 2 "paged"
CUR=$(json .next_cursor)
req GET "/api/v1/articles?limit=2&cursor=$CUR"
expect_json '.items | map(.id) | join(",")' "$PUB" "the next page"
req GET "/api/v1/articles?status=secret"
expect 400 invalid_value "a bad status filter"
TOKEN= req GET "/api/v1/articles"
expect 401 unauthorized "the agents' list needs a login"

# ---- versions ----
TOKEN=$AGENT req PATCH "/api/v1/articles/$ID" '{"body":"Track it on the carrier site.","version":1}'
expect 200 "an agent edits a draft"
expect_json .version 2 "the edit is version 2"
TOKEN=$AGENT req PATCH "/api/v1/articles/$ID" '{"body":"Stale edit","version":1}'
expect 409 conflict "an edit of an old version is refused"
expect_json .error.message "article $ID is at version 2, not 1" "the conflict names the real version"
TOKEN=$AGENT req PATCH "/api/v1/articles/$ID" '{"body":"Track it on the carrier site."}'
expect 200 "an edit changing nothing"
expect_json .version 2 "writes no version"
TOKEN=$AGENT req PATCH "/api/v1/articles/$ID" '{"status":"published"}'
expect 403 forbidden "an agent cannot publish by editing"
TOKEN=$AGENT req PATCH "/api/v1/articles/$PUB" '{"body":"Sixty days."}'
expect 403 forbidden "an agent cannot edit a published article"
TOKEN=$LEAD req PATCH "/api/v1/articles/$ID" '{"status":"published","title":"Where is my parcel"}'
expect 200 "a lead publishes by editing"
expect_json .version 3 "version 3"
req PATCH "/api/v1/articles/$ID" '{"title":""}'
expect 400 invalid_value "a patch with an empty title"
req GET "/api/v1/articles/$ID/versions"
expect 200 "the history"
expect_json '.items | map(.version) | join(",")' 1,2,3 "every version is kept"
expect_json '.items[0].status' draft "version 1 was a draft"
expect_json '.items[2].title' "Where is my parcel" "version 3 has the new title"
expect_json '.items[2].edited_by_name' "Test lead" "with the editor's name, for agents too"
N_ARTICLES=$(sql "SELECT count(*) FROM articles")
TOKEN=$AGENT req POST /api/v1/articles/preview '{"body":"# Hi\n\n**bold** <script>alert(1)</script>"}'
expect 200 "an agent previews Markdown"
expect_json .body_html '<h1>Hi</h1>
<p><strong>bold</strong> <!-- raw HTML omitted -->alert(1)<!-- raw HTML omitted --></p>' \
    "rendered as an article's body would be, raw HTML left out"
[ "$(sql "SELECT count(*) FROM articles")" = "$N_ARTICLES" ] && ok || not_ok "a preview stores nothing"
req POST /api/v1/articles/preview '{}'
expect 400 missing_field "a preview needs a body"
[ "$(sql "SELECT count(*) FROM events WHERE action LIKE 'article.%' AND target_id = $ID")" = 3 ] &&
    ok || not_ok "create and two edits are audited"
req GET "/api/v1/articles/999999"
expect 404 not_found "a missing article"

# ---- the public ----
TOKEN= req GET /api/v1/public/articles
expect 200 "the public lists without a login"
expect_json '.items | map(.slug) | sort | join(",")' "refunds,where-is-my-parcel" "published public articles only"
expect_json '.items[0].audience' null "the public view hides the audience"
TOKEN= req GET /api/v1/public/articles/refunds
expect 200 "by slug"
expect_json .body_html "<p>Thirty days.</p>" "the public gets the HTML"
TOKEN= req GET "/api/v1/public/articles/$PUB"
expect 200 "by id"
# A slug of digits alone would read as an id: refused when given, prefixed
# when made from a title.
TOKEN=$LEAD req POST /api/v1/articles '{"title":"2024","body":"Prices for 2024.","audience":"public","status":"published"}'
expect 201 "a title of digits alone"
expect_json .slug article-2024 "its slug is not all digits"
YEAR=$(json .id)
TOKEN= req GET /api/v1/public/articles/article-2024
expect 200 "the public reaches it by slug"
expect_json .id "$YEAR" "the right article"
req POST /api/v1/articles '{"title":"Year","slug":"2025","body":"x"}'
expect 400 invalid_value "a slug of digits alone is refused"
expect_json .error.field slug "slug named"
req PATCH "/api/v1/articles/$YEAR" '{"slug":"2025"}'
expect 400 invalid_value "nor can a patch set one"
sql "UPDATE articles SET slug = '987654' WHERE id = $YEAR"
TOKEN= req GET /api/v1/public/articles/987654
expect 200 "a digits slug stored before the rule is still found when no article has that id"
expect_json .id "$YEAR" "by its slug"
sql "UPDATE articles SET slug = 'article-2024' WHERE id = $YEAR"
TOKEN= req GET "/api/v1/public/articles/where-is-my-parcel-2"
expect 404 not_found "an internal article is not found by the public"
TOKEN= req GET "/api/v1/public/articles/$ID2"
expect 404 not_found "nor by id"
TOKEN=$LEAD req PATCH "/api/v1/articles/$PUB" '{"status":"draft"}'
expect 200 "a lead unpublishes"
TOKEN= req GET /api/v1/public/articles/refunds
expect 404 not_found "a draft is invisible to the public"

# ---- delete ----
TOKEN=$AGENT req DELETE "/api/v1/articles/$ID2"
expect 403 forbidden "an agent cannot delete"
TOKEN=$LEAD req DELETE "/api/v1/articles/$ID2"
expect 200 "a lead deletes"
[ "$(sql "SELECT count(*) FROM article_versions WHERE article_id = $ID2")" = 0 ] && ok ||
    not_ok "its history goes with it"
[ "$(sql "SELECT count(*) FROM events WHERE action = 'article.delete'")" = 1 ] && ok ||
    not_ok "the delete is audited"
req DELETE "/api/v1/articles/$ID2"
expect 404 not_found "deleting twice"

# ---- slugs of titles that are not ASCII ----
TOKEN=$AGENT req POST /api/v1/articles '{"title":"Café opening hours","body":"Nine to five."}'
expect 201 "a title with accents"
expect_json .slug cafe-opening-hours "its slug drops the accents"
TOKEN=$AGENT req POST /api/v1/articles '{"title":"Доставка","body":"x"}'
expect 201 "a title in another script"
expect_json .slug article "gets a valid slug still"
stop_server

# ---- import ----
KB="$T_DIR/kb"
mkdir -p "$KB"
cat >"$KB/a.md" <<'MD'
---
title: Shipping times
tags: [shipping, faq]
audience: public
status: published
---
Most orders ship in **two days**.
MD
cat >"$KB/b.md" <<'MD'
---
title: Internal notes
slug: internal-notes
---
For agents only.
MD
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1
check "the first import creates both" grep -q "2 created, 0 updated, 0 unchanged" "$T_DIR/out"
"$TRUCE" kb import "$KB" --db "$DB" >"$T_DIR/out" 2>&1
check "importing again changes nothing" grep -q "0 created, 0 updated, 2 unchanged" "$T_DIR/out"
[ "$(sql "SELECT version FROM articles WHERE slug = 'shipping-times'")" = 1 ] && ok ||
    not_ok "no new version for an unchanged file"
[ "$(sql "SELECT audience || ' ' || status FROM articles WHERE slug = 'internal-notes'")" = "internal draft" ] &&
    ok || not_ok "defaults: internal draft"
# A lead publishes the imported internal draft in the console and tags it;
# importing the unchanged file (no audience, status or tags in it) again keeps
# all that, while a file that says "tags: []" clears the tags.
start_server
NOTES=$(sql "SELECT id FROM articles WHERE slug = 'internal-notes'")
TOKEN=$LEAD req PATCH "/api/v1/articles/$NOTES" '{"audience":"public","status":"published","tags":["notes"]}'
expect 200 "a lead publishes the imported draft"
stop_server
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1
check "the re-import changes nothing" grep -q "0 created, 0 updated, 2 unchanged" "$T_DIR/out"
[ "$(sql "SELECT audience || ' ' || status || ' ' || tags FROM articles WHERE slug = 'internal-notes'")" = 'public published ["notes"]' ] &&
    ok || not_ok "a re-import keeps what the front matter leaves out: $(sql "SELECT audience, status, tags FROM articles WHERE slug = 'internal-notes'")"
sed -i 's/^slug: internal-notes$/slug: internal-notes\ntags: []/' "$KB/b.md"
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1
check "an explicit empty tags line is a change" grep -q "0 created, 1 updated, 1 unchanged" "$T_DIR/out"
[ "$(sql "SELECT audience || ' ' || status || ' ' || tags FROM articles WHERE slug = 'internal-notes'")" = 'public published []' ] &&
    ok || not_ok "tags: [] clears the tags, the rest is kept"
sed -i '/^tags: \[\]$/d' "$KB/b.md"

sed -i 's/two days/three days/' "$KB/a.md"
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1
check "a changed file is updated" grep -q "0 created, 1 updated, 1 unchanged" "$T_DIR/out"
[ "$(sql "SELECT version FROM articles WHERE slug = 'shipping-times'")" = 2 ] && ok ||
    not_ok "a changed file becomes version 2"

BEFORE=$(sql "SELECT group_concat(slug || version) FROM articles")
cat >"$KB/c.md" <<'MD'
---
title: New one
MD
sed -i 's/three days/four days/' "$KB/a.md"
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1 && not_ok "a bad file fails the import" || ok
check "the error names file:line" grep -q "c.md:2: the front matter has no closing" "$T_DIR/out"
[ "$(sql "SELECT group_concat(slug || version) FROM articles")" = "$BEFORE" ] && ok ||
    not_ok "all or nothing: the good changed file is not imported either"
printf -- '---\ntitle: X\naudience: everyone\n---\nbody\n' >"$KB/c.md"
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1 && not_ok "a bad audience fails" || ok
check "a bad value names its line" grep -q "c.md:3: 'everyone' is not a valid audience" "$T_DIR/out"
printf -- '---\ntitle: Y\nslug: internal-notes\n---\nclash\n' >"$KB/c.md"
"$TRUCE" kb import --db "$DB" "$KB" >"$T_DIR/out" 2>&1 && not_ok "two files with one slug fail" || ok
check "the clash is named" grep -q "slug 'internal-notes'" "$T_DIR/out"
[ "$(sql "SELECT group_concat(slug || version) FROM articles")" = "$BEFORE" ] && ok ||
    not_ok "nothing imported after a refused import"
"$TRUCE" kb list --db "$DB" >"$T_DIR/out"
check "kb list prints the articles" grep -q "shipping-times	public	published	2	Shipping times" "$T_DIR/out"

# The front matter example of docs/api.md, taken from the docs as they are
# (comments and all), imports as shown.
DOC="$T_DIR/doc"
mkdir -p "$DOC"
awk '/^An imported file starts with front matter/ { seen = 1 }
     seen && /^```markdown$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$(dirname "$0")/../../docs/api.md" >"$DOC/example.md"
check "the docs' example is found" grep -q "^slug: refund-policy .*# optional" "$DOC/example.md"
"$TRUCE" kb import --db "$DB" "$DOC" >"$T_DIR/out" 2>&1
check "the docs' example imports" grep -q "1 created, 0 updated, 0 unchanged" "$T_DIR/out"
[ "$(sql "SELECT title || '|' || tags || '|' || audience || '|' || status FROM articles WHERE slug = 'refund-policy'")" = \
    'Our refund policy|["refunds","policy"]|public|published' ] && ok ||
    not_ok "the docs' example: $(sql "SELECT title, tags, audience, status FROM articles WHERE slug = 'refund-policy'")"
finish
