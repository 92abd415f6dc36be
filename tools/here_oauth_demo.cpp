// The README's main job: loads HERE credentials from the default chain (or the file given as the
// first argument) and prints the signed Authorization header and the signature base string of
// the token request it would send.
#include <iostream>

#include <here/oauth.hpp>

int main(int argc, char** argv) {
  using namespace here::oauth;
  try {
    credentials creds = argc > 1 ? load_credentials(argv[1]) : default_credentials();
    std::cout << "credentials: " << creds.source << " (key id " << creds.access_key_id
              << ", secret " << creds.access_key_secret << ")\n"
              << "endpoint:    " << creds.token_endpoint_url << "\n";
    request_signer signer(creds.access_key_id, creds.access_key_secret);
    parameter_list body{{"grant_type", "client_credentials"}};
    signed_request signed_req = signer.sign("POST", creds.token_endpoint_url, body);
    std::cout << "base string: " << signed_req.signature_base_string << "\n"
              << "Authorization: " << signed_req.authorization_header << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "here-oauth-demo: " << e.what() << "\n";
    return 1;
  }
}
