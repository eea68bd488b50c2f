// The command line: parses arguments, runs a command, prints, and returns the exit code.
// The only module that prints or exits.
#pragma once

namespace haven::app {

// Exit codes: 0 success, 1 build/input errors, 2 usage errors.
int run(int argc, char** argv);

} // namespace haven::app
