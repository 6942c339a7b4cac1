// The main of the per-folder layer checks (src/meson.build): each links every object of one
// folder and only the folders below it, so a call into a floor above fails to link.
int main() { return 0; }
