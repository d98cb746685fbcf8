// oauth2-mock-server on 127.0.0.1:PORT with one RSA-2048 key (RS256), as the emulator has.
const { OAuth2Server } = require('oauth2-mock-server');
const port = Number(process.argv[2] || 0);
(async () => {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(port, '127.0.0.1');
  console.log(server.issuer.url);
})();
