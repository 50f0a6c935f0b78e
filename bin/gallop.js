#!/usr/bin/env node
// Thin bin: everything lives in the library (src/cli.ts). Only this file sets the exit code.
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
