#!/bin/sh
# Writes a private httpd configuration into RUNDIR: conf.example with its
# paths made local, serving SHARE on 127.0.0.1:PORT, with MODULE (default:
# the tree's build) and W3C_LOG (default: the tree's retrywith-w3c-log).
# Used by serve.sh, valgrind.sh and package.sh.
#   [W3C_LOG=path] tools/mkconf.sh RUNDIR PORT SHARE [MODULE]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib.sh"
httpd_paths
mods=$HTTPD_MODULE_DIR
run=$1 port=$2 share=$3
module=${4:-$top/mod_retrywith/.libs/mod_retrywith.so}
w3c_log=${W3C_LOG:-$top/mod_retrywith/retrywith-w3c-log}
mkdir -p "$run/logs" "$run/lock" "$share"
user=www-data
id "$user" >/dev/null 2>&1 || user=$(id -un)
chown "$user" "$run/lock" "$share" 2>/dev/null || true

sed -e "s|/usr/lib/apache2/modules/mod_retrywith.so|$module|" \
    -e "s|/var/lib/apache2/retrywith/DavLock|$run/lock/DavLock|" \
    -e "s|/var/www/dav|$share|g" \
    -e "s|/usr/libexec/mod_retrywith/retrywith-w3c-log|$w3c_log|" \
    -e "s|/var/log/apache2/w3c/|$run/logs/w3c/|" \
    "$top/conf.example" > "$run/retrywith.conf"

cat > "$run/httpd.conf" <<CONF
ServerRoot "$run"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$run/httpd.pid"
ErrorLog "$run/logs/error_log"
User $user
Group $(id -gn "$user")
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_host_module $mods/mod_authz_host.so
LoadModule alias_module $mods/mod_alias.so
LoadModule mime_module $mods/mod_mime.so
LoadModule dir_module $mods/mod_dir.so
TypesConfig /etc/mime.types
DocumentRoot "$share"
Include "$run/retrywith.conf"
CustomLog "$run/logs/access_log" retrywith
CONF
