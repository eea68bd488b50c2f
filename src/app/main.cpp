#include "app/cli.hpp"

int main(int argc, char** argv) { return haven::app::run(argc, argv); }
