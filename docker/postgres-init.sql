-- One database per subgraph: no subgraph can reach another's tables.
CREATE DATABASE users;
CREATE DATABASE notes;
CREATE DATABASE orders;
CREATE DATABASE payments;
CREATE DATABASE webhooks;
