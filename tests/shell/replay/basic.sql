-- A riak-shell session in the style of riak_test's riak_shell_regression1.log, run with
--   quanta-shell --csv -f basic.sql
-- Its output must equal basic.expected.
CREATE TABLE GeoCheckin (myfamily varchar not null, myseries varchar not null, time  timestamp not null, weather  varchar not null, temperature double, PRIMARY KEY ((myfamily, myseries, quantum(time, 15, 'm')), myfamily, myseries, time));
describe GeoCheckin;
SHOW TABLES;
EXPLAIN SELECT * FROM GeoCheckin;
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',1,'snow',25.2);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',2,'rain',24.5);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',3,'rain',23.0);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',4,'sunny',28.6);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',5,'sunny',24.7);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',6,'cloudy',32.789);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',7,'cloudy',27.9);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',8,'blizard',45.55);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',8,'fog',34.9);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',9,'fog',28);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',9,'fog',28.7);
insert into GeoCheckin (myfamily, myseries, time, weather, temperature) values ('family1','series1',10,'hail',38.1);
select time, weather, temperature from GeoCheckin where myfamily='family1' and myseries='seriesX' and time > 10 and time < 1000;
select * from GeoCheckin;
select * from GeoCheckin where myfamily = 'family1' and myseries = 'series1' and time >= 1 and time <= 2;
select * from GeoCheckin where myfamily = 'family1' and myseries = 'series1' and time >= 10 and time <= 8;
select * from GeoCheckin where myfamily = 'family1' and myseries = 'series1' and time >= 10;
select * from GeoCheckin where myfamily = 'family1' and myseries = 'series1' and time <= 8;
select * from GeoCheckin where myfamily = 'family1' and myseries = 'series1' and time >= 2 and time <= 7;

/* A second table, a multi-line statement and two rows in one INSERT. */
CREATE TABLE GeoCheckin2 (
    region VARCHAR NOT NULL,   -- partition key
    state VARCHAR NOT NULL,
    time TIMESTAMP NOT NULL,
    weather VARCHAR NOT NULL,
    temperature DOUBLE,
    PRIMARY KEY ((region, state, QUANTUM(time, 15, 'm')), region, state, time));
INSERT INTO GeoCheckin2 (region, state, time, weather, temperature) VALUES
    ('South Atlantic', 'South Carolina', 1452252523183, 'raining', 11.2),
    ('South Atlantic', 'South Carolina', 1452252523189, 'snowing', 19.2);
SELECT 555, 1.1, 1e1, 1.123e-2 from GeoCheckin2 WHERE time > 1452252523182 AND time < 1452252543182 AND region = 'South Atlantic' AND state = 'South Carolina';

-- Cell rendering: ISO 8601 timestamps, blobs, booleans, NULL, quoting of csv fields.
CREATE TABLE Cells (k VARCHAR NOT NULL, t TIMESTAMP NOT NULL, b BLOB, ok BOOLEAN, n SINT64, d DOUBLE,
  PRIMARY KEY ((k, QUANTUM(t, 1, 'd')), k, t));
INSERT INTO Cells VALUES ('a, "quoted"', '2017-01-01T15:00:00Z', 0x0102abcdef, true, -7, 23.0);
INSERT INTO Cells VALUES ('a, "quoted"', '2017-01-01T15:00:00.01Z', 0x00112233445566778899, false, NULL, NULL);
INSERT INTO Cells (k, t) VALUES ('a, "quoted"', '2017-01-01T15:00:00.001Z');
SELECT * FROM Cells WHERE k = 'a, "quoted"' AND t >= '2017-01-01' AND t < '2017-01-02';
SHOW CREATE TABLE Cells;
DELETE FROM Cells WHERE k = 'a, "quoted"' AND t = '2017-01-01T15:00:00.001Z';
SELECT t FROM Cells WHERE k = 'a, "quoted"' AND t >= '2017-01-01' AND t < '2017-01-02';
DESCRIBE NoSuchTable;
SHOW TABLES;
