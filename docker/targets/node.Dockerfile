# The Node reference target node-good as an image (the docker runtime's `target.image`), built
# from the repository root. It listens on $PORT, which the harness sets, on the host's network.
ARG NODE_IMAGE=node:20-bookworm-slim
FROM ${NODE_IMAGE}
WORKDIR /app
# Only what the reference targets import (versions as in package.json), one layer: on the vfs
# storage driver every step is a full copy of the image.
COPY fixtures/targets/_node fixtures/targets/_node
COPY fixtures/targets/node-good fixtures/targets/node-good
RUN echo '{"type":"module"}' > package.json && npm install --omit=dev --no-audit --no-fund --no-package-lock express@5.3.0 jose@6.2.17 jsonwebtoken@9.0.3 cors@2.8.6 && npm cache clean --force
USER nobody
CMD ["node", "fixtures/targets/node-good/server.mjs"]
