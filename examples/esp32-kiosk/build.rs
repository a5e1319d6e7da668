// Passes the ESP-IDF build's linker arguments and environment to cargo.
fn main() {
    embuild::espidf::sysenv::output();
}
