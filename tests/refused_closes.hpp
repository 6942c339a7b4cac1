#pragma once
// Counts the close() calls of this test program that the kernel refused with EBADF: a
// descriptor closed twice. Between the two closes its number may have been given to another
// file (in the worker, a client's connection or a lock another thread just opened), which the
// second close then takes from its owner. refused_closes.cpp defines close() in front of the C
// library's for the whole program, and passes every call on.

namespace deployhook::testing {

long RefusedCloses();

}  // namespace deployhook::testing
