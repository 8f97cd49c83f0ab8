#!/usr/bin/env bash
# Scaffolds a workspace library: scripts/new-lib.sh <media|server> <name> "<description>"
set -euo pipefail
scope="$1"; name="$2"; desc="${3:-}"
dir="libs/$scope/$name"
mkdir -p "$dir/src"
pkg="@rapidrtmp/$name"
[ "$scope" = server ] && pkg="@rapidrtmp/server-$name"
cat > "$dir/package.json" <<JSON
{
  "name": "$pkg",
  "version": "0.1.0",
  "private": true,
  "description": "$desc",
  "type": "module",
  "exports": {
    ".": {
      "types": "./dist/index.d.ts",
      "default": "./dist/index.js"
    }
  },
  "scripts": {
    "build": "tsc -b",
    "lint": "eslint --no-error-on-unmatched-pattern src"
  },
  "nx": {
    "tags": ["scope:$scope"]
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": {
    "rootDir": "src",
    "outDir": "dist",
    "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo"
  },
  "include": ["src/**/*.ts"],
  "references": []
}
JSON
[ -f "$dir/src/index.ts" ] || echo "export {};" > "$dir/src/index.ts"
echo "$dir ($pkg)"
