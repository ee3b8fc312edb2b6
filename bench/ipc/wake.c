// The machine's floor for a fork-channel round trip, without any runtime: a
// socketpair ping-pong of one byte between two processes, each waiting in epoll_wait
// (blocking), or polling with a zero timeout for up to SPIN µs first, every time (no
// adaptivity: the raw effect of spinning). Prints µs per round trip and each side's
// CPU time per round trip. See docs/notes/latency.md.
// Build and run: cc -O2 -o /tmp/wake bench/ipc/wake.c && /tmp/wake 20000 0 && /tmp/wake 20000 50
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <time.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
static long spin_ns;
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static void waitfd(int ep){struct epoll_event e;
  if(spin_ns){double t0=now(); while(now()-t0<spin_ns){ if(epoll_wait(ep,&e,1,0)>0) return; } }
  epoll_wait(ep,&e,1,-1);}
int main(int c,char**v){int n=atoi(v[1]);spin_ns=atol(v[2])*1000;int sv[2];socketpair(AF_UNIX,SOCK_STREAM,0,sv);
 fcntl(sv[0],F_SETFL,O_NONBLOCK);fcntl(sv[1],F_SETFL,O_NONBLOCK);char b[64];
 pid_t p=fork();int fd=p?sv[0]:sv[1];int ep=epoll_create1(0);struct epoll_event e={.events=EPOLLIN};epoll_ctl(ep,EPOLL_CTL_ADD,fd,&e);
 if(!p){for(int i=0;i<=n;i++){waitfd(ep);int r=read(fd,b,64);write(fd,b,r);} struct rusage ru;getrusage(RUSAGE_SELF,&ru);
   fprintf(stderr,"child cpu %.2f us/rt\n",(ru.ru_utime.tv_sec*1e6+ru.ru_utime.tv_usec+ru.ru_stime.tv_sec*1e6+ru.ru_stime.tv_usec)/n);_exit(0);}
 write(fd,"x",1);waitfd(ep);read(fd,b,64);double t0=now();
 for(int i=0;i<n;i++){write(fd,"x",1);waitfd(ep);read(fd,b,64);}
 double t=now()-t0;wait(0);struct rusage ru;getrusage(RUSAGE_SELF,&ru);
 printf("%.2f us/rt, parent cpu %.2f us/rt\n",t/n/1000,(ru.ru_utime.tv_sec*1e6+ru.ru_utime.tv_usec+ru.ru_stime.tv_sec*1e6+ru.ru_stime.tv_usec)/n);}
