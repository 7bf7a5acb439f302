// provisorctl: wiring only; the command line lives in master/ctl/cli.h.
#include <iostream>

#include "common/clock.h"
#include "master/ctl/cli.h"

int main(int argc, char** argv) {
  provisor::SystemClock clock;
  return provisor::ctl::RunProvisorctl(argc, argv, std::cout, std::cerr, clock);
}
