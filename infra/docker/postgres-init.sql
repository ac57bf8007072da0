-- Run once by the postgres image on an empty data volume (docker-compose.kafka.yml).
-- POSTGRES_DB creates "herald"; the schema registry stores its schemas in its own database.
CREATE DATABASE herald_registry;
