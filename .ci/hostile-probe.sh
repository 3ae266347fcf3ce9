#!/usr/bin/env bash
# Tries, as a hostile team would, each limit of issue 37 against a running server with authentication on.
# Usage: bash .ci/hostile-probe.sh URL ADMIN_KEY      (prints one line per check and "N held, N broke")
# Start the server first, e.g. with a quota of 3 and 2 jobs a minute:
#   Auth__Enabled=true Auth__AdminKey=gk_probe Quotas__ActiveJobsPerTeam=3 RateLimits__JobsPerMinute=2 dotnet run --project GenApi
set -u
url=${1:?server URL}; admin=${2:?admin key}
held=0; broke=0
check() { if [ "$2" = ok ]; then held=$((held + 1)); echo "held:  $1"; else broke=$((broke + 1)); echo "BROKE: $1 ($2)"; fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
key() { curl -s -X POST "$url/v1/admin/keys" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "{\"team\":\"$1\"}"; }
hostile=$(key hostile); hk=$(echo "$hostile" | json 'd["key"]'); hid=$(echo "$hostile" | json 'd["id"]')
other=$(key other | json 'd["key"]')
auth=(-H "Authorization: Bearer $hk")

# The dashboard: a forged cross-site POST, framing.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/hangfire/jobs/enqueued/delete" -H "Authorization: Bearer $admin" \
  -H 'Origin: https://evil.example' -d 'jobs[]=1')
check "cross-site dashboard POST refused" "$([ "$code" = 403 ] && echo ok || echo "got $code")"
frame=$(curl -s -D - -o /dev/null "$url/hangfire" -H "Authorization: Bearer $admin" | grep -ci '^x-frame-options: DENY')
check "dashboard cannot be framed" "$([ "$frame" = 1 ] && echo ok || echo 'no X-Frame-Options')"

# Sweeps: their trials obey the team's job quota and rate.
sweep='{"base":{"dataset":"synthetic","steps":20,"batchSize":16,"baseChannels":8,"latentDim":16},"parameters":{"learningRate":{"min":0.0001,"max":0.01,"distribution":"log-uniform"}},"method":"random","maxTrials":64,"maxParallel":1}'
for _ in 1 2 3; do curl -s -o /dev/null "${auth[@]}" -H 'Content-Type: application/json' -d "$sweep" "$url/v1/sweeps"; done
sleep 4
quota=${PROBE_QUOTA:-3}   # the server's Quotas:ActiveJobsPerTeam, or fewer
jobs=$(curl -s "${auth[@]}" "$url/v1/jobs?limit=100" | json 'len(d["data"])')
check "sweeps queued $jobs jobs (quota $quota)" "$([ "$jobs" -le "$quota" ] && echo ok || echo "over the quota")"

# Parallel uploads from one key.
csv=$(python3 -c "print('label,'+','.join(map(str,range(256)))); [print(('up,' if i % 2 else 'down,')+','.join('0.5' for _ in range(256))) for i in range(20000)]")
codes=$(for _ in 1 2 3 4; do (echo "$csv" | curl -s -o /dev/null -w '%{http_code}\n' "${auth[@]}" -H 'Content-Type: text/csv' --data-binary @- "$url/v1/datasets") & done; wait)
check "4 uploads at once from one key: $(echo $codes)" "$(echo "$codes" | grep -q 429 && echo ok || echo 'all accepted')"

# Workers and datasets show no host names or server paths to a team.
workers=$(curl -s "${auth[@]}" "$url/v1/workers")
check "workers show no host name" "$(echo "$workers" | grep -q "$(hostname)" && echo "shows $(hostname)" || echo ok)"
datasets=$(curl -s "${auth[@]}" "$url/v1/datasets")
check "datasets show no server path" "$(echo "$datasets" | grep -q '/usr/share\|/var/\|/home/' && echo 'shows a path' || echo ok)"

# A revoked key's event stream closes.
job=$(curl -s "${auth[@]}" "$url/v1/jobs?limit=1" | json 'd["data"][0]["id"] if d["data"] else ""')
if [ -n "$job" ]; then
  start=$(date +%s.%N)
  (sleep 1; curl -s -o /dev/null -X DELETE "$url/v1/admin/keys/$hid" -H "Authorization: Bearer $admin") &
  curl -s -N --max-time 20 "${auth[@]}" "$url/v1/jobs/$job/events/stream" > /dev/null
  took=$(python3 -c "import time; print(round(time.time() - $start, 1))")
  check "a revoked key's stream closed after ${took} s" "$(python3 -c "print('ok' if $took < 8 else 'stayed open')")"
fi
check "another team is not held back" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $other" -H 'Content-Type: application/json' \
  -d '{"dataset":"synthetic","steps":5}' "$url/v1/jobs" | grep -q 202 && echo ok || echo refused)"
echo "$held held, $broke broke"
[ "$broke" -eq 0 ]
