#include <cstdio>
int main() { std::puts("skiff: under construction"); return 1; }
