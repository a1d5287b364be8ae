#!/usr/bin/env bash
# Publishes one service as the Native AOT executable `bootstrap` that the provided.al2023 runtime starts.
# Usage: functions/publish-bootstrap.sh <Service> <output-directory>
set -euo pipefail
service=$1
output=$2
here=$(cd "$(dirname "$0")" && pwd)
staging="$output/.publish"
dotnet publish "$here/$service/$service.csproj" -c Release -r linux-x64 -p:PublishAot=true -o "$staging"
mv "$staging/$service" "$output/bootstrap"
rm -rf "$staging"
