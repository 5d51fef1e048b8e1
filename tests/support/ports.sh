# Sourced by the shell tests that start servers: free TCP ports on 127.0.0.1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the Linux ephemeral range (32768+), so outgoing connections do not hold our picks.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 12000))
    if ! port_in_use "$p"; then echo "$p"; return 0; fi
  done
  return 1
}
