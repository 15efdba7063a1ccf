# Sourced by the checks that start servers on loopback: a free TCP port, and a bounded wait until
# something accepts on one (10 s; the caller's name in $check_name prefixes the failure).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_port() {
    for _ in $(seq 1 100); do
        python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
        sleep 0.1
    done
    echo "${check_name:-check}: nothing listens on port $1"; return 1
}
